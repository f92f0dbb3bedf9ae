import { elementAt, loadByte, loadI32, storeByte, stringStop } from "../glue/target";
import { ArenaLease } from "../arena/arena-lease";
import { JSON_MALFORMED, KIND_NUMBER, KIND_STRING } from "./json-kinds";
import { JsonMatchSink } from "./json-match-sink";
import { JsonPathSet } from "./json-path-set";
import { N_DOT, N_E, N_ESIGN, N_EXP, N_FRAC, N_INT, N_SIGN, N_ZERO, NONE, SCRATCH, ST_NUMBER, ST_STRING, ST_SURROGATE, escapedByte, hex4 } from "./json-scan-states";
import { SEG_SLOT_NUMBER, SEG_SLOT_STRING } from "./json-template";
import { putUtf8 } from "./json-utf8";
import { ValueRouter } from "./json-value-router";

// The matcher's second layer: the contents of scalar values — decoded string bytes (escapes,
// surrogate pairs, lone surrogates as U+FFFD) gathered and handed to the decoded consumers, the
// number grammar — the template path's replay of a matched document's selected values, and the
// end of matching on an error.
export abstract class ValueDecoder extends ValueRouter {
  constructor(paths: JsonPathSet, lease: ArenaLease, sink: JsonMatchSink, maxDepth: i32, heldLimit: i32 = 0x7fffffff) {
    super(paths, lease, sink, maxDepth, heldLimit);
  }

  // ---- string contents ----

  protected stringRun(src: Uint8Array, start: i32, end: i32): void {
    const n = end - start;
    if (this.strKey) {
      const k = this.keyBuf;
      let len = this.keyLen;
      for (let i = start; i < end; i++) {
        if (len >= k.length) {
          this.keyOver = true;
          break;
        }
        storeByte(k, len++, loadByte(src, i));
      }
      this.keyLen = len;
      return;
    }
    if (n <= 32 && this.decLen + n <= SCRATCH) {
      const d = this.dec;
      let len = this.decLen;
      for (let i = start; i < end; i++) storeByte(d, len++, loadByte(src, i));
      this.decLen = len;
      return;
    }
    if (this.decLen > 0) this.flushDecoded();
    this.emitDecoded(src, start, end);
  }

  protected stringByte(b: i32): void {
    if (this.strKey) {
      if (this.keyLen < this.keyBuf.length) this.keyBuf[this.keyLen++] = <u8>b;
      else this.keyOver = true;
      return;
    }
    if (this.decLen >= SCRATCH) this.flushDecoded();
    this.dec[this.decLen++] = <u8>b;
  }

  protected stringCodePoint(cp: i32): void {
    if (this.strKey) {
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (this.keyLen + n <= this.keyBuf.length) this.keyLen = putUtf8(this.keyBuf, this.keyLen, cp);
      else this.keyOver = true;
      return;
    }
    if (this.decLen + 4 > SCRATCH) this.flushDecoded();
    this.decLen = putUtf8(this.dec, this.decLen, cp);
  }

  protected unicodeDone(v: i32): i32 {
    const first = this.surrogate;
    if (first != NONE) {
      // gjson pairs a surrogate with the \u escape right after it: high + low is one code point,
      // anything else one U+FFFD for both.
      this.surrogate = NONE;
      const pair = first <= 0xdbff && v >= 0xdc00 && v <= 0xdfff;
      if (this.strCap) this.stringCodePoint(pair ? 0x10000 + ((first - 0xd800) << 10) + (v - 0xdc00) : 0xfffd);
      return ST_STRING;
    }
    if (v >= 0xd800 && v <= 0xdfff) {
      this.surrogate = v;
      return ST_SURROGATE;
    }
    if (this.strCap) this.stringCodePoint(v);
    return ST_STRING;
  }

  protected loneSurrogate(): void {
    this.surrogate = NONE;
    if (this.strCap) this.stringCodePoint(0xfffd);
  }

  // ---- templates: replay (json-template.ts) ----

  // The document matched the template: what the general path would report, slot by slot.
  protected replayTemplate(chunk: Uint8Array): void {
    const tpl = this.tpl;
    for (let k = 0; k < tpl.segCount; k++) {
      const seg: i32 = loadByte(tpl.segKind, k);
      if (seg != SEG_SLOT_STRING && seg != SEG_SLOT_NUMBER) continue;
      const from = loadI32(tpl.docFrom, k);
      const to = loadI32(tpl.docTo, k);
      const str = seg == SEG_SLOT_STRING;
      const kind = str ? KIND_STRING : KIND_NUMBER;
      const pos = str ? from - 1 : from;
      this.scalarBase = this.consTop;
      const last = loadI32(tpl.segCons, k + 1);
      for (let c = loadI32(tpl.segCons, k); c < last; c++) this.addConsumer(elementAt(this.targets, loadI32(tpl.consTarget, c)), kind, pos);
      if (str) {
        this.strKey = false;
        this.strCap = this.decOpen > 0;
        if (this.strCap) this.decodeString(chunk, from, to);
      }
      if (this.consTop > this.scalarBase) this.endConsumers(this.scalarBase, str ? to + 1 : to);
    }
  }

  // Decodes the (validated) text of a string, src[from, to), to its decoded consumers, as the
  // general path's string states do.
  protected decodeString(src: Uint8Array, from: i32, to: i32): void {
    let i = stringStop(src, from, to);
    if (i >= to) {
      // No escape (the usual text delta): the consumers read the bytes where they are, not
      // through the scratch buffer, as the general path hands on a long run.
      if (this.decLen > 0) this.flushDecoded();
      if (to > from) this.emitDecoded(src, from, to);
      return;
    }
    if (i > from) this.stringRun(src, from, i);
    while (i < to) {
      const s = i;
      i = stringStop(src, i, to);
      if (i > s) this.stringRun(src, s, i);
      if (i >= to) break;
      const e: i32 = loadByte(src, i + 1);
      if (e != 0x75) {
        this.stringByte(escapedByte(e));
        i += 2;
        continue;
      }
      const v = hex4(src, i + 2);
      i += 6;
      if (v < 0xd800 || v > 0xdfff) {
        this.stringCodePoint(v);
      } else if (i + 1 < to && loadByte(src, i) == 0x5c && loadByte(src, i + 1) == 0x75) {
        // A surrogate pairs with the \u escape right after it (see unicodeDone).
        const w = hex4(src, i + 2);
        i += 6;
        const pair = v <= 0xdbff && w >= 0xdc00 && w <= 0xdfff;
        this.stringCodePoint(pair ? 0x10000 + ((v - 0xd800) << 10) + (w - 0xdc00) : 0xfffd);
      } else {
        this.stringCodePoint(0xfffd);
      }
    }
  }

  // ---- numbers ----

  // Scans number bytes from `i`; returns where it stopped (-1 on error) and leaves this.state.
  protected scanNumber(chunk: Uint8Array, from: i32, end: i32): i32 {
    let st = this.numState;
    let i = from;
    while (i < end) {
      const c: i32 = loadByte(chunk, i);
      const digit = c >= 0x30 && c <= 0x39;
      if (st == N_INT || st == N_FRAC || st == N_EXP) {
        if (digit) {
          i++;
          while (i < end) {
            const d: i32 = loadByte(chunk, i);
            if (d < 0x30 || d > 0x39) break;
            i++;
          }
          continue;
        }
        if (st != N_EXP && (c == 0x65 || c == 0x45)) st = N_E;
        else if (st == N_INT && c == 0x2e) st = N_DOT;
        else return this.numberEnd(i);
      } else if (st == N_ZERO) {
        if (c == 0x2e) st = N_DOT;
        else if (c == 0x65 || c == 0x45) st = N_E;
        else return this.numberEnd(i);
      } else if (st == N_SIGN) {
        if (!digit) return this.numberFail(i);
        st = c == 0x30 ? N_ZERO : N_INT;
      } else if (st == N_DOT) {
        if (!digit) return this.numberFail(i);
        st = N_FRAC;
      } else if (st == N_E) {
        if (c == 0x2b || c == 0x2d) st = N_ESIGN;
        else if (digit) st = N_EXP;
        else return this.numberFail(i);
      } else {
        // N_ESIGN
        if (!digit) return this.numberFail(i);
        st = N_EXP;
      }
      i++;
    }
    this.numState = st;
    this.state = ST_NUMBER;
    return i;
  }

  protected numberFail(at: i32): i32 {
    this.fail(JSON_MALFORMED, at);
    return -1;
  }

  protected numberEnd(at: i32): i32 {
    if (this.learning) this.tpl.end(at);
    this.state = this.valueEnd(at);
    return at;
  }

  // ---- errors ----

  protected fail(status: i32, at: i32): i32 {
    this.status = status;
    this.errorOffset = this.consumed + (at - this.chunkStart);
    // What came before the error was well-formed: hand it on before ending the open values.
    if (this.decLen > 0) this.flushDecoded();
    if (this.rawOpen > 0) this.flushRaw(at);
    this.abortAll();
    return status;
  }

  protected abortAll(): void {
    const targets = this.targets;
    for (let i = 0; i < targets.length; i++) targets[i].abort();
  }
}
