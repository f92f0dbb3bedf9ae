// stats-core's side of the throughput benchmark, written in the portable subset so the very same
// file runs as JavaScript (through tsx) and as WebAssembly (compiled by asc into
// build/probe.wasm): the SSE framer hands each event to the streaming path matcher, which appends
// choices.0.delta.content into an arena buffer and reads the usage counts — the extraction the
// baseline does with eventsource-parser and JSON.parse.
import {
  Arena,
  ArenaBuffer,
  ArenaLease,
  JsonMatcher,
  JsonMatchSink,
  JsonPathSet,
  KIND_NUMBER,
  SseEvent,
  SseFramer,
  SseSink,
} from "@aistats/stats-core/internal";

const PATH_CONTENT: i32 = 0;
const PATH_TOTAL_TOKENS: i32 = 3;

class ProbeMatchSink extends JsonMatchSink {
  readonly answer: ArenaBuffer;
  totalTokens: i32 = -1;
  private numberPath: i32 = -1;
  private number: i32 = 0;

  constructor(answer: ArenaBuffer) {
    super();
    this.answer = answer;
  }

  onValueStart(pathId: i32, kind: i32): void {
    this.numberPath = kind == KIND_NUMBER ? pathId : -1;
    this.number = 0;
  }

  onValueBytes(pathId: i32, bytes: Uint8Array, start: i32, end: i32): void {
    if (pathId == PATH_CONTENT) {
      this.answer.append(bytes, start, end);
    } else if (pathId == this.numberPath) {
      for (let i = start; i < end; i++) {
        const c: i32 = bytes[i];
        if (c >= 0x30 && c <= 0x39) this.number = this.number * 10 + (c - 0x30);
      }
    }
  }

  onValueEnd(pathId: i32): void {
    if (pathId == PATH_TOTAL_TOKENS && this.numberPath == pathId) this.totalTokens = this.number;
  }
}

class ProbeEventSink extends SseSink {
  readonly matcher: JsonMatcher;

  constructor(matcher: JsonMatcher) {
    super();
    this.matcher = matcher;
  }

  onEvent(event: SseEvent): void {
    if (event.done) return;
    this.matcher.reset();
    this.matcher.feed(event.data, event.dataStart, event.dataEnd);
    this.matcher.finish();
  }
}

export class OpenAiStreamProbe {
  private readonly lease: ArenaLease;
  private readonly answer: ArenaBuffer;
  private readonly values: ProbeMatchSink;
  private readonly matcher: JsonMatcher;
  private readonly framer: SseFramer;

  constructor(arena: Arena) {
    const paths = new JsonPathSet();
    paths.add("choices.0.delta.content");
    paths.add("usage.prompt_tokens");
    paths.add("usage.completion_tokens");
    paths.add("usage.total_tokens");
    const lease = new ArenaLease(arena);
    const answer = new ArenaBuffer(lease, 1 << 20);
    const values = new ProbeMatchSink(answer);
    const matcher = new JsonMatcher(paths, lease, values, 64);
    this.lease = lease;
    this.answer = answer;
    this.values = values;
    this.matcher = matcher;
    this.framer = new SseFramer(lease, 256 * 1024, new ProbeEventSink(matcher));
  }

  begin(): void {
    this.answer.clear();
    this.values.totalTokens = -1;
  }

  feed(chunk: Uint8Array, start: i32, end: i32): void {
    this.framer.feed(chunk, start, end);
  }

  end(): void {
    this.framer.finish();
  }

  get answerBytes(): i32 {
    return this.answer.length;
  }

  get totalTokens(): i32 {
    return this.values.totalTokens;
  }
}
