import { SseEvent } from "./sse-event";

// Receives each event the framer dispatches. An abstract class rather than an interface because
// the portable subset compiles to wasm, where virtual dispatch works and interfaces do not.
export abstract class SseSink {
  /** Called once per dispatched event; `event` is only valid during the call. */
  abstract onEvent(event: SseEvent): void;
}
