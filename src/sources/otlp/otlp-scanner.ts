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

/**
 * Bytes to compare with: their 8-byte groups as doubles, then a 4-byte group as a little-endian
 * number, then the rest. Comparing doubles compares 8 bytes at once and exactly: two doubles are
 * equal only when their bits are (NaN equals nothing, the zeros are the one exception), and the
 * groups of a literal are neither NaN nor zero (checked below).
 */
interface Literal {
  readonly bytes: Buffer;
  readonly doubles: Float64Array;
  /** The 4-byte group after the doubles, when 4 or more bytes remain. */
  readonly word: number;
  readonly hasWord: boolean;
  /** Where the bytes compared one by one start. */
  readonly tail: number;
  readonly length: number;
}

function literal(bytes: Buffer): Literal {
  const doubles = new Float64Array(bytes.length >> 3);
  for (let d = 0; d < doubles.length; d++) {
    doubles[d] = bytes.readDoubleLE(8 * d);
    if (Number.isNaN(doubles[d]) || doubles[d] === 0) throw new Error(`literal ${bytes.toString('latin1')}: cannot compare as doubles`);
  }
  const at = 8 * doubles.length;
  const hasWord = bytes.length - at >= 4;
  return { bytes, doubles, word: hasWord ? bytes.readInt32LE(at) : 0, hasWord, tail: hasWord ? at + 4 : at, length: bytes.length };
}

/**
 * A literal of 8 to 32 bytes compared without a loop (see `isShort`): as the doubles at its
 * start, at 8 and 16 when it is that long, and at its end (windows that may overlap).
 */
interface ShortLiteral {
  readonly length: number;
  readonly first: number;
  readonly second: number;
  readonly third: number;
  readonly last: number;
}

function shortLiteral(s: string): ShortLiteral {
  const bytes = Buffer.from(s, 'latin1');
  const n = bytes.length;
  if (n < 8 || n > 32) throw new Error(`short literal ${s}: 8 to 32 bytes`);
  const at = (i: number) => {
    const d = bytes.readDoubleLE(Math.min(i, n - 8));
    if (Number.isNaN(d) || d === 0) throw new Error(`literal ${s}: cannot compare as doubles`);
    return d;
  };
  return { length: n, first: at(0), second: at(8), third: at(16), last: at(n - 8) };
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
const KEY_OPEN = shortLiteral('{"key":"');
const VALUE_OPEN = shortLiteral('","value":');
const STRING_VALUE_OPEN = shortLiteral('","value":{"stringValue":"');
/** The members of a span up to its attributes, in the order the SDK's serializer writes them (see `compactHead`). */
const HEAD_TRACE_ID = shortLiteral('"traceId":"');
const HEAD_SPAN_ID = shortLiteral('","spanId":"');
const HEAD_PARENT_SPAN_ID = shortLiteral('","parentSpanId":"');
const HEAD_NAME = shortLiteral('","name":"');
const HEAD_KIND = shortLiteral('","kind":');
const HEAD_START = shortLiteral(',"startTimeUnixNano":"');
const HEAD_END = shortLiteral('","endTimeUnixNano":"');
const HEAD_ATTRIBUTES = shortLiteral('","attributes":');
/** The members after the attributes as the SDK writes them for a span without events, links or status message. */
const SDK_TAIL = key(',"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,"status":{"code":0},"links":[],"droppedLinksCount":0,"flags":257}');
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
    this.spanPicked.fill(undefined);
    this.spanPickedSlots = 0;
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
    this.spanRequest = false;
    this.spanKindSeen = false;
    this.spanStart = -1;
    this.spanHasPicked = false;
    this.clearSpanPicked();
    if (!this.objectStart()) throw GIVE_UP;
    let more = true;
    if (this.compactHead()) {
      if (this.bytesAre(this.p, this.p + SDK_TAIL.length, SDK_TAIL)) {
        this.p += SDK_TAIL.length;
        more = false;
      } else more = this.nextMember();
    }
    if (more)
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
            if (this.spanKindSeen) throw GIVE_UP;
            this.spanKindSeen = true;
            this.spanRequest = this.kind();
            continue;
          case F_START:
            if (this.spanStart >= 0) throw GIVE_UP;
            this.spanStart = this.startSeconds();
            continue;
          case F_ATTRIBUTES:
            if (this.spanHasPicked) throw GIVE_UP;
            this.spanHasPicked = true;
            this.spanAttributes();
            continue;
        }
        this.skipValue();
      } while (this.nextMember());
    const start = this.spanStart;
    // Missing or empty ids, no start time: JSON.parse's reader reports them.
    if (trace.end <= trace.start || id.end <= id.start || start < 0) throw GIVE_UP;
    if (parent.start < 0) parent.start = parent.end = 0;
    const picked = this.spanPicked;
    let has = false;
    if ((this.spanPickedSlots & ~((1 << SERVICE) | (1 << REGION))) !== 0)
      for (let s = 0; s < picked.length; s++) if (s !== SERVICE && s !== REGION && picked[s] !== undefined) has = true;
    into.span(this.b, trace, id, parent, this.spanRequest, start, has ? picked : undefined);
  }

  /** What the span being read has shown so far (see `span`). */
  private spanRequest = false;
  private spanKindSeen = false;
  private spanStart = -1;
  private spanHasPicked = false;
  /** The slots of `spanPicked` the last span's attributes wrote (the others are undefined). */
  private spanPickedSlots = 0;

  /** Reads the span's attributes into `spanPicked` (all undefined before, see `clearSpanPicked`). */
  private spanAttributes(): void {
    this.spanPickedSlots = this.attributes(this.spanPicked);
  }

  /** Makes `spanPicked` all undefined again, clearing only the slots the last span wrote (`scan` clears all, for a line given up halfway). */
  private clearSpanPicked(): void {
    const picked = this.spanPicked;
    for (let s = 0; this.spanPickedSlots !== 0; s++, this.spanPickedSlots >>>= 1) if ((this.spanPickedSlots & 1) !== 0) picked[s] = undefined;
  }

  /**
   * The members of a span up to and including its attributes, when they are exactly as the SDK's
   * serializer writes them (`"traceId":"…","spanId":"…"[,"parentSpanId":"…"],"name":"…","kind":D,
   * "startTimeUnixNano":"…","endTimeUnixNano":"…","attributes":[…]`, no whitespace, a one-digit
   * kind, ids and times without escapes), read straight through by comparing bytes: true, p after
   * the attributes. Otherwise false, with p and the span's state unmoved, and the members are read
   * one by one (in any order and form).
   */
  private compactHead(): boolean {
    const b = this.b;
    const at = this.p;
    let p = at;
    if (!this.isShort(p, HEAD_TRACE_ID)) return false;
    const traceStart = p + HEAD_TRACE_ID.length;
    const traceEnd = this.plainRun(traceStart);
    if (traceEnd === traceStart || !this.isShort(traceEnd, HEAD_SPAN_ID)) return false;
    const idStart = traceEnd + HEAD_SPAN_ID.length;
    const idEnd = this.plainRun(idStart);
    let parentStart = 0;
    let parentEnd = 0;
    p = idEnd;
    if (idEnd === idStart) return false;
    if (this.isShort(p, HEAD_PARENT_SPAN_ID)) {
      parentStart = p + HEAD_PARENT_SPAN_ID.length;
      parentEnd = p = this.plainRun(parentStart);
    }
    if (!this.isShort(p, HEAD_NAME)) return false;
    this.p = p + HEAD_NAME.length - 1;
    this.string();
    p = this.p - 1;
    if (!this.isShort(p, HEAD_KIND)) return this.notCompact(at);
    p += HEAD_KIND.length;
    const kind = b[p]! - ZERO;
    if (kind < 0 || kind > 9 || p + 1 >= this.end || isDigit(b[p + 1]!)) return this.notCompact(at);
    p++;
    if (!this.isShort(p, HEAD_START)) return this.notCompact(at);
    p += HEAD_START.length;
    const digitsEnd = this.plainRun(p);
    const start = this.nanosAsSeconds(p, digitsEnd);
    if (!this.isShort(digitsEnd, HEAD_END)) return this.notCompact(at);
    p = this.plainRun(digitsEnd + HEAD_END.length);
    if (!this.isShort(p, HEAD_ATTRIBUTES)) return this.notCompact(at);
    this.p = p + HEAD_ATTRIBUTES.length;
    this.spanAttributes();
    this.trace.start = traceStart;
    this.trace.end = traceEnd;
    this.id.start = idStart;
    this.id.end = idEnd;
    this.parent.start = parentStart;
    this.parent.end = parentEnd;
    this.spanRequest = kind === 2 || kind === 5;
    this.spanKindSeen = true;
    this.spanStart = start;
    this.spanHasPicked = true;
    return true;
  }

  private notCompact(at: number): false {
    this.p = at;
    return false;
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
      return this.nanosAsSeconds(this.strStart, this.strEnd);
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

  /** The digits b[from, to) (nanoseconds, 1 to 20 of them) as epoch seconds, as `epochSeconds` reads them; anything else goes to JSON.parse's reader. */
  private nanosAsSeconds(from: number, to: number): number {
    const b = this.b;
    const digits = to - from;
    if (digits < 1 || digits > 20) throw GIVE_UP;
    let high = 0;
    let low = 0;
    const split = to - 9;
    for (let i = from; i < to; i++) {
      const d = b[i]! - ZERO;
      if (d < 0 || d > 9) throw GIVE_UP;
      if (i < split) high = high * 10 + d;
      else low = low * 10 + d;
    }
    // Up to 11 digits of seconds and 9 of nanoseconds: both exact in a double.
    return digits > 9 ? secondsOfNanos(high, low) : low / 1e9;
  }

  /**
   * An attribute list: the first attribute of each wanted name gives its slot's value
   * (`attributeString`). Writes only the slots it finds, and returns them as bits.
   */
  private attributes(picked: PickedAttributes): number {
    const names = this.names;
    let done = 0;
    if (!this.arrayStart()) return 0;
    do {
      this.ws();
      if (!this.compactAttribute()) this.attribute();
      const { attrKeyStart: keyStart, attrKeyEnd: keyEnd } = this;
      // Most attributes are of no interest: their key's length rules them out.
      if (keyEnd < 0 || (this.nameLengths[Math.min(keyEnd - keyStart, 255)]! & ~done) === 0) continue;
      for (let s = 0; s < names.length; s++) {
        const name = names[s];
        if (name === undefined || (done & (1 << s)) !== 0 || !this.bytesAre(keyStart, keyEnd, name)) continue;
        done |= 1 << s;
        picked[s] = this.attributeValue();
      }
    } while (this.nextElement());
    return done;
  }

  /** The last attribute's value as `attributeValueString` reads it. */
  private attributeValue(): string | undefined {
    const { attrTextStart: from, attrTextEnd: to } = this;
    // {"stringValue":"…"} without escapes: its text (empty counts as absent).
    if (from >= 0) return from === to ? undefined : this.b.toString('utf8', from, to);
    const { attrValueStart: start, attrValueEnd: end } = this;
    return start < 0 ? undefined : attributeValueString(JSON.parse(this.b.toString('utf8', start, end)));
  }

  /** Where the last attribute's key string (-1: none, or not a string) and value are. */
  private attrKeyStart = -1;
  private attrKeyEnd = -1;
  private attrValueStart = -1;
  private attrValueEnd = -1;
  /** Where the text of the last attribute's value is when it is `{"stringValue":"…"}` without escapes, else -1. */
  private attrTextStart = -1;
  private attrTextEnd = -1;

  /**
   * An attribute as every exporter writes it, `{"key":"K","value":{"stringValue":"V"}}` (any
   * value after `"value":`), read by comparing bytes; false, p unmoved, for any other form.
   */
  private compactAttribute(): boolean {
    const b = this.b;
    const at = this.p;
    if (!this.isShort(at, KEY_OPEN)) return false;
    const keyEnd = this.plainRun(at + KEY_OPEN.length);
    let textStart = -1;
    let textEnd = -1;
    if (this.isShort(keyEnd, STRING_VALUE_OPEN)) {
      const from = keyEnd + STRING_VALUE_OPEN.length;
      const to = this.plainRun(from);
      if (b[to] === QUOTE && b[to + 1] === RBRACE && to + 1 < this.end) {
        textStart = from;
        textEnd = to;
        this.p = to + 2;
      } else {
        this.p = from - 1;
        this.string();
        if (b[this.p] !== RBRACE || this.p >= this.end) return this.notCompact(at);
        this.p++;
      }
    } else if (this.isShort(keyEnd, VALUE_OPEN)) {
      this.p = keyEnd + VALUE_OPEN.length;
      this.skipValue();
    } else return false;
    if (b[this.p] !== RBRACE || this.p >= this.end) return this.notCompact(at);
    this.attrKeyStart = at + KEY_OPEN.length;
    this.attrKeyEnd = keyEnd;
    this.attrValueStart = keyEnd + VALUE_OPEN.length;
    this.attrValueEnd = this.p;
    this.attrTextStart = textStart;
    this.attrTextEnd = textEnd;
    this.p++;
    return true;
  }

  /** An attribute in any form (members in any order, whitespace, a key that is not a string...). */
  private attribute(): void {
    let keySeen = false;
    this.attrKeyStart = this.attrKeyEnd = this.attrValueStart = this.attrValueEnd = this.attrTextStart = this.attrTextEnd = -1;
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
   * loop over bytes alone: most of a line is strings. The lowest flagged byte of a word is always
   * one of them (a borrow only runs upwards, from a byte that is one), so the run ends there.
   */
  private plainRun(p: number): number {
    const view = this.view;
    const end = this.end;
    while (p + 4 <= end) {
      const v = view.getInt32(p, true);
      const q = v ^ 0x22222222;
      const s = v ^ 0x5c5c5c5c;
      const flagged = (((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | ((v - 0x20202020) & ~v)) & 0x80808080;
      if (flagged !== 0) return p + ((31 - Math.clz32(flagged & -flagged)) >> 3);
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

  /** Whether the bytes at p are `name` (within the line). */
  private isShort(p: number, name: ShortLiteral): boolean {
    const n = name.length;
    if (p + n > this.end) return false;
    const view = this.view;
    return (
      view.getFloat64(p, true) === name.first &&
      view.getFloat64(p + n - 8, true) === name.last &&
      (n <= 16 || view.getFloat64(p + 8, true) === name.second) &&
      (n <= 24 || view.getFloat64(p + 16, true) === name.third)
    );
  }

  private bytesAre(start: number, end: number, name: Literal): boolean {
    const n = name.length;
    if (end - start !== n || end > this.end) return false;
    const view = this.view;
    const doubles = name.doubles;
    let p = start;
    for (let d = 0; d < doubles.length; d++, p += 8) if (view.getFloat64(p, true) !== doubles[d]) return false;
    if (name.hasWord && view.getInt32(p, true) !== name.word) return false;
    const b = this.b;
    const bytes = name.bytes;
    for (let i = name.tail; i < n; i++) if (b[start + i] !== bytes[i]) return false;
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
