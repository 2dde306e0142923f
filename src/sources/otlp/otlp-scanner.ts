import { attributeValueString, type PickedAttributes, REGION, SERVICE } from './otlp-attributes.ts';
import type { ByteSpan, SpanBatchBuilder } from './span-batch.ts';
import { countsAsRequest } from './span-kind.ts';
import { secondsOfNanos } from './span-time.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Bytes to compare with, and their first 4-byte groups as little-endian numbers. */
interface Literal {
  readonly bytes: Buffer;
  readonly words: Int32Array;
  readonly length: number;
}

function literal(bytes: Buffer): Literal {
  const words = new Int32Array(bytes.length >> 2);
  for (let w = 0; w < words.length; w++) words[w] = bytes.readInt32LE(4 * w);
  return { bytes, words, length: bytes.length };
}

const key = (s: string) => literal(Buffer.from(s, 'latin1'));
const RESOURCE_SPANS = key('resourceSpans');
const RESOURCE = key('resource');
const SCOPE_SPANS = key('scopeSpans');
const SPANS = key('spans');
const ATTRIBUTES = key('attributes');
const KEY = key('key');
const VALUE = key('value');
const TRACE_ID = key('traceId');
const SPAN_ID = key('spanId');
const PARENT_SPAN_ID = key('parentSpanId');
const KIND = key('kind');
const START = key('startTimeUnixNano');
const KIND_SERVER = key('SPAN_KIND_SERVER');
const KIND_CONSUMER = key('SPAN_KIND_CONSUMER');
const KEY_OPEN = key('{"key":"');
const VALUE_OPEN = key(',"value":');
const STRING_VALUE_OPEN = key('{"stringValue":"');
const TRUE = key('true');
const FALSE = key('false');
const NULL = key('null');

/** The span fields the scanner reads (see spanKey). */
const F_OTHER = 0;
const F_TRACE_ID = 1;
const F_SPAN_ID = 2;
const F_PARENT_SPAN_ID = 3;
const F_KIND = 4;
const F_START = 5;
const F_ATTRIBUTES = 6;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** Thrown (and caught in `scan`) when the line holds something the scanner leaves to JSON.parse. */
const GIVE_UP = new Error('not for the scanner');

/** JSON's escapes after a backslash (other than \u). */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
/** Bytes that stand for themselves inside a JSON string (not a quote, backslash or control character). */
const PLAIN = new Uint8Array(256).fill(1);
for (let c = 0; c < 0x20; c++) PLAIN[c] = 0;
PLAIN[QUOTE] = 0;
PLAIN[BACKSLASH] = 0;
/** JSON's whitespace. */
const WS = new Uint8Array(256);
for (const c of ' \t\n\r') WS[c.charCodeAt(0)] = 1;
const IS_HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') IS_HEX[c.charCodeAt(0)] = 1;

/**
 * Reads the spans of an OTLP/JSON line (an ExportTraceServiceRequest) straight from its bytes,
 * without building the request's objects: only the ids, kind, start time and the attributes evac
 * reads (see `attributeNames`) are taken; every other value is checked to be JSON and skipped.
 *
 * It takes any key order, whitespace and unknown fields, and gives the builder exactly what
 * `readRequestJson` would. Whatever it does not handle (a line that is not valid JSON or has a
 * problem to report, an escaped key or id, a duplicate key, a value of an unexpected type) makes
 * `scan` return false having written nothing, and the caller hands the line to `readRequestJson`.
 */
export class OtlpScanner {
  private b: Buffer = Buffer.alloc(0);
  /** The same bytes, read 4 at a time where a string has none to look at (see `plainRun`). */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private p = 0;
  private end = 0;
  /** The last key read: b[keyStart, keyStart + keyLength). */
  private keyStart = 0;
  private keyLength = 0;
  /** The last string read: b[strStart, strEnd), and whether it holds an escape. */
  private strStart = 0;
  private strEnd = 0;
  private strEscaped = false;
  private readonly names: (Literal | undefined)[];
  /** By byte length (255: any longer), the slots of the names that long, as bits. */
  private readonly nameLengths = new Int32Array(256);
  /** The picked attributes of the span being read (scratch). */
  private readonly spanPicked: PickedAttributes = [undefined, undefined, undefined, undefined, undefined];
  private readonly trace: ByteSpan = { start: 0, end: 0 };
  private readonly id: ByteSpan = { start: 0, end: 0 };
  private readonly parent: ByteSpan = { start: 0, end: 0 };

  constructor(names: readonly (string | undefined)[]) {
    this.names = names.map((n) => (n === undefined ? undefined : literal(Buffer.from(n, 'utf8'))));
    this.names.forEach((n, slot) => {
      if (n !== undefined) this.nameLengths[Math.min(n.length, 255)]! |= 1 << slot;
    });
  }

  /** Reads b[start, end) into the builder; false (nothing written, once the caller rolls back to its mark) when it leaves the line to JSON.parse. */
  scan(b: Buffer, start: number, end: number, into: SpanBatchBuilder): boolean {
    this.b = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.p = start;
    this.end = end;
    try {
      this.request(into);
      return true;
    } catch (error) {
      // A deeply nested value may overflow the stack: JSON.parse decides about it.
      if (error === GIVE_UP || error instanceof RangeError) return false;
      throw error;
    }
  }

  private request(into: SpanBatchBuilder): void {
    let found = false;
    if (this.objectStart()) {
      do {
        this.key();
        if (this.keyIs(RESOURCE_SPANS)) {
          if (found) throw GIVE_UP;
          found = true;
          if (!this.arrayStart()) continue;
          do this.resourceSpans(into);
          while (this.nextElement());
        } else this.skipValue();
      } while (this.nextMember());
    }
    this.ws();
    if (!found || this.p !== this.end) throw GIVE_UP;
  }

  private resourceSpans(into: SpanBatchBuilder): void {
    const picked: PickedAttributes = [undefined, undefined, undefined, undefined, undefined];
    let resourceSeen = false;
    let scopesAt = -1;
    let scopesDone = false;
    if (!this.objectStart()) return;
    do {
      this.key();
      if (this.keyIs(RESOURCE)) {
        if (resourceSeen) throw GIVE_UP;
        resourceSeen = true;
        this.resource(picked);
      } else if (this.keyIs(SCOPE_SPANS)) {
        if (scopesAt >= 0 || scopesDone) throw GIVE_UP;
        if (resourceSeen) {
          this.scopeSpans(picked, into);
          scopesDone = true;
        } else {
          // The resource may follow: read the spans once it is known.
          scopesAt = this.p;
          this.skipValue();
        }
      } else this.skipValue();
    } while (this.nextMember());
    if (scopesAt >= 0) {
      const after = this.p;
      this.p = scopesAt;
      this.scopeSpans(picked, into);
      this.p = after;
    }
  }

  private resource(picked: PickedAttributes): void {
    let seen = false;
    if (!this.objectStart()) return;
    do {
      this.key();
      if (this.keyIs(ATTRIBUTES)) {
        if (seen) throw GIVE_UP;
        seen = true;
        this.attributes(picked);
      } else this.skipValue();
    } while (this.nextMember());
  }

  /** Reads scopeSpans (an array: anything else goes to JSON.parse), the spans of `resource`. */
  private scopeSpans(resource: PickedAttributes, into: SpanBatchBuilder): void {
    const any = this.arrayStart();
    into.resource(resource);
    if (!any) return;
    do {
      let seen = false;
      if (!this.objectStart()) continue;
      do {
        this.key();
        if (this.keyIs(SPANS)) {
          if (seen) throw GIVE_UP;
          seen = true;
          if (!this.arrayStart()) continue;
          do this.span(into);
          while (this.nextElement());
        } else this.skipValue();
      } while (this.nextMember());
    } while (this.nextElement());
  }

  private span(into: SpanBatchBuilder): void {
    const { trace, id, parent } = this;
    trace.start = trace.end = id.start = id.end = parent.start = parent.end = -1;
    let request = false;
    let kindSeen = false;
    let start = -1;
    let picked: PickedAttributes | undefined;
    if (!this.objectStart()) throw GIVE_UP;
    do {
      switch (this.spanKey()) {
        case F_TRACE_ID:
          if (trace.start >= 0) throw GIVE_UP;
          this.plainString();
          trace.start = this.strStart;
          trace.end = this.strEnd;
          continue;
        case F_SPAN_ID:
          if (id.start >= 0) throw GIVE_UP;
          this.plainString();
          id.start = this.strStart;
          id.end = this.strEnd;
          continue;
        case F_PARENT_SPAN_ID:
          if (parent.start >= 0) throw GIVE_UP;
          this.plainString();
          parent.start = this.strStart;
          parent.end = this.strEnd;
          continue;
        case F_KIND:
          if (kindSeen) throw GIVE_UP;
          kindSeen = true;
          request = this.kind();
          continue;
        case F_START:
          if (start >= 0) throw GIVE_UP;
          start = this.startSeconds();
          continue;
        case F_ATTRIBUTES:
          if (picked !== undefined) throw GIVE_UP;
          picked = this.spanPicked;
          picked.fill(undefined);
          this.attributes(picked);
          continue;
      }
      this.skipValue();
    } while (this.nextMember());
    // Missing or empty ids, no start time: JSON.parse's reader reports them.
    if (trace.end <= trace.start || id.end <= id.start || start < 0) throw GIVE_UP;
    if (parent.start < 0) parent.start = parent.end = 0;
    let has = false;
    if (picked !== undefined) for (let s = 0; s < picked.length; s++) if (s !== SERVICE && s !== REGION && picked[s] !== undefined) has = true;
    into.span(this.b, trace, id, parent, request, start, has ? picked : undefined);
  }

  /** The key of a span's member and its colon, as a field number (F_OTHER for a key evac does not read). */
  private spanKey(): number {
    this.key();
    switch (this.keyLength) {
      case 7:
        return this.keyIs(TRACE_ID) ? F_TRACE_ID : F_OTHER;
      case 6:
        return this.keyIs(SPAN_ID) ? F_SPAN_ID : F_OTHER;
      case 12:
        return this.keyIs(PARENT_SPAN_ID) ? F_PARENT_SPAN_ID : F_OTHER;
      case 4:
        return this.keyIs(KIND) ? F_KIND : F_OTHER;
      case 17:
        return this.keyIs(START) ? F_START : F_OTHER;
      case 10:
        return this.keyIs(ATTRIBUTES) ? F_ATTRIBUTES : F_OTHER;
      default:
        return F_OTHER;
    }
  }

  /** A span's kind: whether it counts as a request (`countsAsRequest` of the value). */
  private kind(): boolean {
    this.ws();
    const b = this.b;
    const c = b[this.p];
    if (c === QUOTE) {
      this.plainString();
      return this.stringIs(KIND_SERVER) || this.stringIs(KIND_CONSUMER);
    }
    if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) {
      const from = this.p;
      this.skipNumber();
      if (this.p === from + 1) return c === 0x32 || c === 0x35;
      return countsAsRequest(Number(b.toString('latin1', from, this.p)));
    }
    this.skipValue();
    return false;
  }

  /** startTimeUnixNano as epoch seconds (`epochSeconds`); anything it refuses goes to JSON.parse's reader. */
  private startSeconds(): number {
    this.ws();
    const b = this.b;
    const c = b[this.p];
    if (c === QUOTE) {
      this.plainString();
      const from = this.strStart;
      const digits = this.strEnd - from;
      if (digits < 1 || digits > 20) throw GIVE_UP;
      let high = 0;
      let low = 0;
      const split = this.strEnd - 9;
      for (let i = from; i < this.strEnd; i++) {
        const d = b[i]! - ZERO;
        if (d < 0 || d > 9) throw GIVE_UP;
        if (i < split) high = high * 10 + d;
        else low = low * 10 + d;
      }
      // Up to 11 digits of seconds and 9 of nanoseconds: both exact in a double.
      return digits > 9 ? secondsOfNanos(high, low) : low / 1e9;
    }
    if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) {
      const from = this.p;
      this.skipNumber();
      const n = Number(b.toString('latin1', from, this.p));
      if (!Number.isFinite(n) || n < 0) throw GIVE_UP;
      return n / 1e9;
    }
    throw GIVE_UP;
  }

  /** An attribute list: the first attribute of each wanted name gives its slot's value (`attributeString`). */
  private attributes(picked: PickedAttributes): void {
    const names = this.names;
    let done = 0;
    if (!this.arrayStart()) return;
    do {
      this.ws();
      if (!this.compactAttribute()) this.attribute();
      const { attrKeyStart: keyStart, attrKeyEnd: keyEnd, attrValueStart: valueStart, attrValueEnd: valueEnd } = this;
      // Most attributes are of no interest: their key's length rules them out.
      if (keyEnd < 0 || (this.nameLengths[Math.min(keyEnd - keyStart, 255)]! & ~done) === 0) continue;
      for (let s = 0; s < names.length; s++) {
        const name = names[s];
        if (name === undefined || (done & (1 << s)) !== 0 || !this.bytesAre(keyStart, keyEnd, name)) continue;
        done |= 1 << s;
        picked[s] = valueStart < 0 ? undefined : attributeValueString(JSON.parse(this.b.toString('utf8', valueStart, valueEnd)));
      }
    } while (this.nextElement());
  }

  /** Where the last attribute's key string (-1: none, or not a string) and value are. */
  private attrKeyStart = -1;
  private attrKeyEnd = -1;
  private attrValueStart = -1;
  private attrValueEnd = -1;

  /**
   * An attribute as every exporter writes it, `{"key":"K","value":{"stringValue":"V"}}` (any
   * value after `"value":`), read by comparing bytes; false, p unmoved, for any other form.
   */
  private compactAttribute(): boolean {
    const b = this.b;
    const at = this.p;
    if (!this.bytesAre(at, at + KEY_OPEN.length, KEY_OPEN)) return false;
    let p = this.plainRun(at + KEY_OPEN.length);
    if (b[p] !== QUOTE || p >= this.end) return false;
    const keyEnd = p;
    p++;
    if (!this.bytesAre(p, p + VALUE_OPEN.length, VALUE_OPEN)) return false;
    p += VALUE_OPEN.length;
    const valueStart = p;
    if (this.bytesAre(p, p + STRING_VALUE_OPEN.length, STRING_VALUE_OPEN)) {
      this.p = p + STRING_VALUE_OPEN.length - 1;
      this.string();
      if (b[this.p] !== RBRACE || this.p >= this.end) {
        this.p = at;
        return false;
      }
      this.p++;
    } else {
      this.p = p;
      this.skipValue();
    }
    if (b[this.p] !== RBRACE || this.p >= this.end) {
      this.p = at;
      return false;
    }
    this.attrKeyStart = at + KEY_OPEN.length;
    this.attrKeyEnd = keyEnd;
    this.attrValueStart = valueStart;
    this.attrValueEnd = this.p;
    this.p++;
    return true;
  }

  /** An attribute in any form (members in any order, whitespace, a key that is not a string...). */
  private attribute(): void {
    let keySeen = false;
    this.attrKeyStart = this.attrKeyEnd = this.attrValueStart = this.attrValueEnd = -1;
    if (!this.objectStart()) throw GIVE_UP;
    do {
      this.key();
      if (this.keyIs(KEY)) {
        if (keySeen) throw GIVE_UP;
        keySeen = true;
        this.ws();
        // A key that is not a string matches no name (as in attributeString).
        if (this.b[this.p] === QUOTE) {
          this.plainString();
          this.attrKeyStart = this.strStart;
          this.attrKeyEnd = this.strEnd;
        } else this.skipValue();
      } else if (this.keyIs(VALUE)) {
        if (this.attrValueStart >= 0) throw GIVE_UP;
        this.ws();
        this.attrValueStart = this.p;
        this.skipValue();
        this.attrValueEnd = this.p;
      } else this.skipValue();
    } while (this.nextMember());
  }

  // JSON structure.

  private ws(): void {
    const b = this.b;
    let p = this.p;
    // Compact JSON (what exporters write) has none: one look, one table load.
    if (WS[b[p]!] !== 1) return;
    while (p < this.end && WS[b[p]!] === 1) p++;
    this.p = p;
  }

  /** Expects `{`; true when the object has members (the first key comes next). */
  private objectStart(): boolean {
    return this.opens(LBRACE, RBRACE);
  }

  /** Expects `[`; true when the array has elements. */
  private arrayStart(): boolean {
    return this.opens(LBRACKET, RBRACKET);
  }

  /** Expects the byte `open`; false when `close` follows at once (empty), else true. */
  private opens(open: number, close: number): boolean {
    this.ws();
    if (this.p >= this.end || this.b[this.p] !== open) throw GIVE_UP;
    this.p++;
    this.ws();
    if (this.p < this.end && this.b[this.p] === close) {
      this.p++;
      return false;
    }
    return true;
  }

  /** After a member: true at `,` (another follows), false at `}`. */
  private nextMember(): boolean {
    this.ws();
    if (this.p >= this.end) throw GIVE_UP;
    const c = this.b[this.p++];
    if (c === COMMA) return true;
    if (c === RBRACE) return false;
    throw GIVE_UP;
  }

  private nextElement(): boolean {
    this.ws();
    if (this.p >= this.end) throw GIVE_UP;
    const c = this.b[this.p++];
    if (c === COMMA) return true;
    if (c === RBRACKET) return false;
    throw GIVE_UP;
  }

  /**
   * The end of the run of plain string bytes (see PLAIN) from p: 4 bytes at a time while none of
   * them is a quote, backslash or control character (a SWAR test: a byte b is flagged when
   * b ^ c - 1, or b - 0x20, borrows into its top bit), then byte by byte. Twice as fast as a
   * loop over bytes alone: most of a line is strings.
   */
  private plainRun(p: number): number {
    const view = this.view;
    const end = this.end;
    while (p + 4 <= end) {
      const v = view.getInt32(p, true);
      const q = v ^ 0x22222222;
      const s = v ^ 0x5c5c5c5c;
      if ((((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | ((v - 0x20202020) & ~v)) & 0x80808080) break;
      p += 4;
    }
    const b = this.b;
    while (p < end && PLAIN[b[p]!] === 1) p++;
    return p;
  }

  /** A member's key and its colon; an escaped key goes to JSON.parse. */
  private key(): void {
    this.ws();
    const b = this.b;
    const end = this.end;
    let p = this.p;
    if (p >= end || b[p] !== QUOTE) throw GIVE_UP;
    const from = ++p;
    p = this.plainRun(p);
    if (p >= end || b[p] !== QUOTE) throw GIVE_UP;
    this.keyStart = from;
    this.keyLength = p - from;
    p++;
    if (p < end && b[p] === COLON) this.p = p + 1;
    else {
      this.p = p;
      this.ws();
      if (this.p >= end || b[this.p] !== COLON) throw GIVE_UP;
      this.p++;
    }
  }

  private keyIs(name: Literal): boolean {
    return this.keyLength === name.length && this.bytesAre(this.keyStart, this.keyStart + this.keyLength, name);
  }

  private stringIs(name: Literal): boolean {
    return this.bytesAre(this.strStart, this.strEnd, name);
  }

  private bytesAre(start: number, end: number, name: Literal): boolean {
    const n = name.length;
    if (end - start !== n || end > this.end) return false;
    // 4 bytes at a time, then the rest.
    const view = this.view;
    const words = name.words;
    for (let w = 0; w < words.length; w++) if (view.getInt32(start + 4 * w, true) !== words[w]) return false;
    const b = this.b;
    const bytes = name.bytes;
    for (let i = words.length * 4; i < n; i++) if (b[start + i] !== bytes[i]) return false;
    return true;
  }

  /** A string value without escapes (an escaped one goes to JSON.parse). */
  private plainString(): void {
    this.ws();
    if (this.p >= this.end || this.b[this.p] !== QUOTE) throw GIVE_UP;
    this.string();
    if (this.strEscaped) throw GIVE_UP;
  }

  /** The string at p (at its opening quote), checked as JSON: sets strStart, strEnd, strEscaped. */
  private string(): void {
    const b = this.b;
    const end = this.end;
    let p = this.p + 1;
    const from = p;
    let escaped = false;
    for (;;) {
      p = this.plainRun(p);
      if (p >= end) throw GIVE_UP;
      const c = b[p]!;
      if (c === QUOTE) break;
      if (c !== BACKSLASH) throw GIVE_UP; // a control character
      escaped = true;
      const e = b[p + 1]!;
      if (p + 1 < end && SIMPLE_ESCAPE[e] === 1) p += 2;
      else if (e === 0x75 && p + 5 < end && IS_HEX[b[p + 2]!] === 1 && IS_HEX[b[p + 3]!] === 1 && IS_HEX[b[p + 4]!] === 1 && IS_HEX[b[p + 5]!] === 1) p += 6;
      else throw GIVE_UP;
    }
    this.strStart = from;
    this.strEnd = p;
    this.strEscaped = escaped;
    this.p = p + 1;
  }

  /** A JSON number (its grammar checked: JSON.parse refuses 01, 1., .5, +1). No closures here: tsx wraps each in a naming call. */
  private skipNumber(): void {
    const b = this.b;
    const end = this.end;
    let p = this.p;
    if (b[p] === MINUS) p++;
    if (p >= end || !isDigit(b[p]!)) throw GIVE_UP;
    if (b[p] === ZERO) p++;
    else while (p < end && isDigit(b[p]!)) p++;
    if (p < end && b[p] === 0x2e) {
      p++;
      if (p >= end || !isDigit(b[p]!)) throw GIVE_UP;
      while (p < end && isDigit(b[p]!)) p++;
    }
    if (p < end && (b[p] === 0x65 || b[p] === 0x45)) {
      p++;
      if (p < end && (b[p] === 0x2b || b[p] === MINUS)) p++;
      if (p >= end || !isDigit(b[p]!)) throw GIVE_UP;
      while (p < end && isDigit(b[p]!)) p++;
    }
    this.p = p;
  }

  private literal(word: Literal): void {
    if (this.p + word.length > this.end || !this.bytesAre(this.p, this.p + word.length, word)) throw GIVE_UP;
    this.p += word.length;
  }

  /** Any JSON value, checked and skipped. */
  private skipValue(): void {
    this.ws();
    if (this.p >= this.end) throw GIVE_UP;
    const c = this.b[this.p]!;
    if (c === QUOTE) this.string();
    else if (c === LBRACE) {
      if (this.objectStart())
        do {
          this.key();
          this.skipValue();
        } while (this.nextMember());
    } else if (c === LBRACKET) {
      if (this.arrayStart())
        do this.skipValue();
        while (this.nextElement());
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) this.skipNumber();
    else if (c === 0x74) this.literal(TRUE);
    else if (c === 0x66) this.literal(FALSE);
    else if (c === 0x6e) this.literal(NULL);
    else throw GIVE_UP;
  }
}
