// Builds a string from UTF-16 code units one at a time (decoding JSON strings) without quadratic
// concatenation: units gather in a short chunk, full chunks go to a list joined once at the end.
// Both builds have String.fromCharCode and Array<string>#join; neither has a portable bulk decoder.

const CHUNK_UNITS: i32 = 32;

export class TextBuilder {
  private parts: Array<string> = new Array<string>(0);
  private chunk: string = "";
  private chunkUnits: i32 = 0;

  /** Appends one UTF-16 code unit. */
  addUnit(unit: i32): void {
    this.chunk += String.fromCharCode(unit);
    this.chunkUnits++;
    if (this.chunkUnits == CHUNK_UNITS) {
      this.parts.push(this.chunk);
      this.chunk = "";
      this.chunkUnits = 0;
    }
  }

  /** Appends a Unicode code point (a surrogate pair above U+FFFF). */
  addCodePoint(cp: i32): void {
    if (cp < 0x10000) {
      this.addUnit(cp);
      return;
    }
    const v = cp - 0x10000;
    this.addUnit(0xd800 + (v >> 10));
    this.addUnit(0xdc00 + (v & 0x3ff));
  }

  /** The text built so far; the builder starts over empty. */
  finish(): string {
    let text = this.chunk;
    if (this.parts.length > 0) {
      this.parts.push(this.chunk);
      text = this.parts.join("");
      this.parts = new Array<string>(0);
    }
    this.chunk = "";
    this.chunkUnits = 0;
    return text;
  }
}
