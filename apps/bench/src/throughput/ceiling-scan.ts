// The ceiling: the least any line-oriented SSE scanner must do — find every newline with
// Buffer.indexOf over the same chunks. Nothing that frames events can be faster than this.
import type { ExtractResult, Extractor } from "./extractor.js";

export class CeilingScan implements Extractor {
  readonly name = "ceiling";
  private lines = 0;

  begin(): void {
    this.lines = 0;
  }

  feed(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = buf.indexOf(10);
    while (at !== -1) {
      this.lines++;
      at = buf.indexOf(10, at + 1);
    }
  }

  end(): ExtractResult {
    // The ceiling extracts nothing; report line count so the work cannot be optimized away.
    return { answerBytes: -1, totalTokens: this.lines };
  }
}
