// stats-core's side of the throughput benchmark, written in the portable subset so the very same
// file runs as JavaScript (through tsx) and as WebAssembly (compiled by asc into
// build/probe.wasm): the SSE framer hands each event to the streaming path matcher, which appends
// the workload's answer paths into an arena buffer and reads its usage counts — the extraction the
// baseline does with eventsource-parser and JSON.parse (src/throughput/workloads.ts lists them).
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

export const WORKLOAD_OPENAI: i32 = 0;
export const WORKLOAD_ANTHROPIC: i32 = 1;
export const WORKLOAD_GEMINI: i32 = 2;
export const WORKLOAD_ESCAPES: i32 = 3;

class ProbeMatchSink extends JsonMatchSink {
  readonly answer: ArenaBuffer;
  /** Path ids below this are appended to the answer; the rest are token counts. */
  readonly answerPaths: i32;
  /** The last value of each token path (-1: not seen). */
  readonly tokens: Int32Array;
  private numberPath: i32 = -1;
  private number: i32 = 0;

  constructor(answer: ArenaBuffer, answerPaths: i32, tokenPaths: i32) {
    super();
    this.answer = answer;
    this.answerPaths = answerPaths;
    this.tokens = new Int32Array(tokenPaths);
  }

  onValueStart(pathId: i32, kind: i32): void {
    this.numberPath = kind == KIND_NUMBER ? pathId : -1;
    this.number = 0;
  }

  onValueBytes(pathId: i32, bytes: Uint8Array, start: i32, end: i32): void {
    if (pathId < this.answerPaths) {
      this.answer.append(bytes, start, end);
    } else if (pathId == this.numberPath) {
      for (let i = start; i < end; i++) {
        const c: i32 = bytes[i];
        if (c >= 0x30 && c <= 0x39) this.number = this.number * 10 + (c - 0x30);
      }
    }
  }

  onValueEnd(pathId: i32): void {
    if (pathId >= this.answerPaths && this.numberPath == pathId) this.tokens[pathId - this.answerPaths] = this.number;
  }

  /** The sum of the token paths' last values; -1 if none was seen. */
  totalTokens(): i32 {
    let total = 0;
    let seen = false;
    for (let i = 0; i < this.tokens.length; i++) {
      if (this.tokens[i] >= 0) {
        total += this.tokens[i];
        seen = true;
      }
    }
    return seen ? total : -1;
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

export class LlmStreamProbe {
  private readonly lease: ArenaLease;
  private readonly answer: ArenaBuffer;
  private readonly values: ProbeMatchSink;
  private readonly matcher: JsonMatcher;
  private readonly framer: SseFramer;

  /** `workload`: one of WORKLOAD_*, which decides the paths. */
  constructor(arena: Arena, workload: i32) {
    const paths = new JsonPathSet();
    let answerPaths = 1;
    if (workload == WORKLOAD_ANTHROPIC) {
      paths.add("delta.text");
      paths.add("message.usage.input_tokens");
      paths.add("usage.output_tokens");
    } else if (workload == WORKLOAD_GEMINI) {
      paths.add("candidates.0.content.parts.0.text");
      paths.add("usageMetadata.totalTokenCount");
    } else if (workload == WORKLOAD_ESCAPES) {
      paths.add("choices.0.delta.content");
      paths.add("choices.0.delta.tool_calls.0.function.arguments");
      paths.add("usage.total_tokens");
      answerPaths = 2;
    } else {
      paths.add("choices.0.delta.content");
      paths.add("usage.total_tokens");
    }
    const lease = new ArenaLease(arena);
    const answer = new ArenaBuffer(lease, 1 << 20);
    const values = new ProbeMatchSink(answer, answerPaths, paths.size - answerPaths);
    const matcher = new JsonMatcher(paths, lease, values, 64);
    this.lease = lease;
    this.answer = answer;
    this.values = values;
    this.matcher = matcher;
    this.framer = new SseFramer(lease, 256 * 1024, new ProbeEventSink(matcher));
  }

  begin(): void {
    this.answer.clear();
    this.values.tokens.fill(-1);
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
    return this.values.totalTokens();
  }
}
