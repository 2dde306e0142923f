import { isUtf8 } from 'node:buffer';
import { type PickedAttributes, REGION, SERVICE } from './otlp-attributes.ts';
import type { SpanBatchBuilder } from './span-batch.ts';
import { secondsOfNanos } from './span-time.ts';

/** Thrown (and caught in `scan`) when the message holds something the scanner leaves to the decoder. */
const GIVE_UP = new Error('not for the protobuf scanner');

/** Wire types (protobuf encoding). */
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

/** Bytes of a trace id and of a span id (OTLP). */
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;

/**
 * Reads the spans of an OTLP protobuf ExportTraceServiceRequest straight from its bytes into the
 * builder, without building the OTLP/JSON objects proto-request.ts decodes it into (about six
 * times less CPU, see the README's Performance): only the ids, kind, start time and the attributes evac reads are taken, every other
 * field is checked against the wire format and skipped, every attribute key and string value is
 * checked to be UTF-8, as the decoder does.
 *
 * It gives the builder exactly what `decodeTraceRequest` then `readRequest` would. Whatever it
 * does not handle (a message the decoder refuses or that has a problem to report, ids that are
 * not 16 and 8 bytes, a field given twice, a resource after its spans, a picked attribute whose
 * value is not a string, a varint over 31 bits where a number is read) makes `scan` return
 * false; the caller rolls the builder back and hands the message to the decoder.
 */
export class ProtoScanner {
  private b: Buffer = Buffer.alloc(0);
  private p = 0;
  private readonly names: (Buffer | undefined)[];
  /** The picked attributes of the span being read (scratch: the builder reads them during the call only). */
  private readonly spanPicked: PickedAttributes;

  constructor(names: readonly (string | undefined)[]) {
    this.names = names.map((n) => (n === undefined ? undefined : Buffer.from(n, 'utf8')));
    this.spanPicked = names.map(() => undefined);
  }

  /** Reads the request in b[start, end) into the builder; false (the caller rolls back to its mark) when it leaves it to the decoder. */
  scan(b: Buffer, start: number, end: number, into: SpanBatchBuilder): boolean {
    this.b = b;
    this.p = start;
    this.spanPicked.fill(undefined);
    try {
      while (this.p < end) {
        const key = this.tag(end);
        if (key === ((1 << 3) | LEN)) {
          const to = this.delimited(end);
          this.resourceSpans(to, into);
        } else if (key >>> 3 === 1) throw GIVE_UP;
        else this.skip(key, end);
      }
      return true;
    } catch (error) {
      if (error === GIVE_UP) return false;
      throw error;
    }
  }

  private resourceSpans(end: number, into: SpanBatchBuilder): void {
    let resource = false;
    while (this.p < end) {
      const key = this.tag(end);
      if (key === ((1 << 3) | LEN)) {
        // The decoder takes the last resource, wherever it is: one, before the spans, is read here.
        if (resource) throw GIVE_UP;
        const to = this.delimited(end);
        into.resource(this.resource(to));
        resource = true;
      } else if (key === ((2 << 3) | LEN)) {
        if (!resource) throw GIVE_UP;
        const to = this.delimited(end);
        this.scopeSpans(to, into);
      } else if (key >>> 3 === 1 || key >>> 3 === 2) throw GIVE_UP;
      else this.skip(key, end);
    }
    if (!resource) into.resource(this.names.map(() => undefined));
  }

  /** A Resource: its picked attributes (a new list: the builder keeps it for the resource's spans). */
  private resource(end: number): PickedAttributes {
    const picked: PickedAttributes = this.names.map(() => undefined);
    let done = 0;
    while (this.p < end) {
      const key = this.tag(end);
      if (key === ((1 << 3) | LEN)) {
        const to = this.delimited(end);
        done = this.keyValue(to, picked, done);
      } else if (key >>> 3 === 1) throw GIVE_UP;
      else this.skip(key, end);
    }
    return picked;
  }

  private scopeSpans(end: number, into: SpanBatchBuilder): void {
    while (this.p < end) {
      const key = this.tag(end);
      if (key === ((2 << 3) | LEN)) {
        const to = this.delimited(end);
        this.span(to, into);
      } else if (key >>> 3 === 2) throw GIVE_UP;
      else this.skip(key, end);
    }
  }

  private span(end: number, into: SpanBatchBuilder): void {
    const b = this.b;
    let trace = -1;
    let id = -1;
    let parent = -1;
    let parentLength = 0;
    let kind = -1;
    let start = -1;
    let done = 0;
    const picked = this.spanPicked;
    while (this.p < end) {
      const key = this.tag(end);
      switch (key) {
        case (1 << 3) | LEN: {
          if (trace >= 0) throw GIVE_UP;
          const to = this.delimited(end);
          trace = this.p;
          if (to - trace !== TRACE_ID_BYTES) throw GIVE_UP;
          this.p = to;
          break;
        }
        case (2 << 3) | LEN: {
          if (id >= 0) throw GIVE_UP;
          const to = this.delimited(end);
          id = this.p;
          if (to - id !== SPAN_ID_BYTES) throw GIVE_UP;
          this.p = to;
          break;
        }
        case (4 << 3) | LEN: {
          if (parent >= 0) throw GIVE_UP;
          const to = this.delimited(end);
          parent = this.p;
          parentLength = to - parent;
          if (parentLength !== 0 && parentLength !== SPAN_ID_BYTES) throw GIVE_UP;
          this.p = to;
          break;
        }
        case (6 << 3) | VARINT:
          if (kind >= 0) throw GIVE_UP;
          kind = this.uint31(end);
          break;
        case (7 << 3) | FIXED64: {
          if (start >= 0) throw GIVE_UP;
          const p = this.p;
          if (p + 8 > end) throw GIVE_UP;
          start = nanosAsSeconds(
            (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0,
            (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0,
          );
          this.p = p + 8;
          break;
        }
        case (9 << 3) | LEN: {
          const to = this.delimited(end);
          done = this.keyValue(to, picked, done);
          break;
        }
        default: {
          const field = key >>> 3;
          if (field === 1 || field === 2 || field === 4 || field === 6 || field === 7 || field === 9) throw GIVE_UP;
          this.skip(key, end);
        }
      }
    }
    // No trace or span id, no start time: the decoder's reader reports them (or reads the default).
    if (trace < 0 || id < 0 || start < 0) throw GIVE_UP;
    let has = false;
    for (let s = 0; s < picked.length; s++) if (s !== SERVICE && s !== REGION && picked[s] !== undefined) has = true;
    into.spanOfBytes(b, trace, id, parentLength === 0 ? -1 : parent, kind === 2 || kind === 5, start, has ? picked : undefined);
    for (let s = 0; done !== 0; s++, done >>>= 1) if ((done & 1) !== 0) picked[s] = undefined;
  }

  /**
   * A KeyValue: when its key is a wanted name not yet found (`done`, as bits), its value goes in
   * that slot (the first attribute of a name decides, as `attributeString` reads). Returns `done`.
   */
  private keyValue(end: number, picked: PickedAttributes, done: number): number {
    let keyStart = -1;
    let keyEnd = -1;
    let valueStart = -1;
    let valueEnd = -1;
    while (this.p < end) {
      const key = this.tag(end);
      if (key === ((1 << 3) | LEN)) {
        if (keyStart >= 0) throw GIVE_UP;
        keyEnd = this.delimited(end);
        keyStart = this.p;
        this.p = keyEnd;
      } else if (key === ((2 << 3) | LEN)) {
        if (valueStart >= 0) throw GIVE_UP;
        valueEnd = this.delimited(end);
        valueStart = this.p;
        this.p = valueEnd;
      } else if (key >>> 3 === 1 || key >>> 3 === 2) throw GIVE_UP;
      else this.skip(key, end);
    }
    const slot = keyStart < 0 ? -1 : this.slotOf(keyStart, keyEnd, done);
    if (slot < 0 && keyStart >= 0) this.utf8(keyStart, keyEnd);
    let textStart = -1;
    let textEnd = -1;
    /** The last of AnyValue's fields that set the value (its oneof: the last one given wins). */
    let last = 0;
    if (valueStart >= 0) {
      this.p = valueStart;
      while (this.p < valueEnd) {
        const key = this.tag(valueEnd);
        const field = key >>> 3;
        if (field >= 1 && field <= 7) last = field;
        switch (key) {
          case (1 << 3) | LEN:
            textEnd = this.delimited(valueEnd);
            textStart = this.p;
            this.p = textEnd;
            this.utf8(textStart, textEnd);
            break;
          case (2 << 3) | VARINT:
          case (3 << 3) | VARINT:
          case (4 << 3) | FIXED64:
          case (5 << 3) | LEN:
          case (6 << 3) | LEN:
          case (7 << 3) | LEN:
            this.skip(key, valueEnd);
            break;
          default:
            if (field >= 1 && field <= 7) throw GIVE_UP;
            this.skip(key, valueEnd);
        }
      }
      this.p = end;
    }
    if (slot < 0) return done;
    // A value other than a string (a number, a bool...): the decoder's reader writes it as text.
    if (last !== 0 && last !== 1) throw GIVE_UP;
    picked[slot] = last === 0 || textEnd === textStart ? undefined : this.b.toString('utf8', textStart, textEnd);
    return done | (1 << slot);
  }

  /** The slot of the wanted name (not yet found) that b[start, end) is, or -1. */
  private slotOf(start: number, end: number, done: number): number {
    const b = this.b;
    const length = end - start;
    const names = this.names;
    for (let s = 0; s < names.length; s++) {
      const name = names[s];
      if (name === undefined || name.length !== length || (done & (1 << s)) !== 0) continue;
      let i = 0;
      while (i < length && b[start + i] === name[i]) i++;
      if (i === length) return s;
    }
    return -1;
  }

  /** Gives up unless b[start, end) is UTF-8 (as the decoder's fatal TextDecoder demands); ASCII is looked at here. */
  private utf8(start: number, end: number): void {
    const b = this.b;
    let high = 0;
    for (let i = start; i < end; i++) high |= b[i]!;
    if (high >= 0x80 && !isUtf8(b.subarray(start, end))) throw GIVE_UP;
  }

  /** A field's key (field number << 3 | wire type); a field number 0 or over 2^28 goes to the decoder. */
  private tag(end: number): number {
    const key = this.uint31(end);
    if (key >>> 3 === 0) throw GIVE_UP;
    return key;
  }

  /** A varint below 2^31 (at most 5 bytes); anything else goes to the decoder. */
  private uint31(end: number): number {
    const b = this.b;
    let p = this.p;
    // Most are one byte: tags, short lengths.
    if (p < end && b[p]! < 0x80) {
      this.p = p + 1;
      return b[p]!;
    }
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= end) throw GIVE_UP;
      const c = b[p++]!;
      value += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) {
        if (value > 0x7fffffff) throw GIVE_UP;
        this.p = p;
        return value;
      }
    }
    throw GIVE_UP;
  }

  /** A length-delimited field's bytes: p moved past their length to their start; returns their end. */
  private delimited(end: number): number {
    const length = this.uint31(end);
    const to = this.p + length;
    if (to > end) throw GIVE_UP;
    return to;
  }

  /** Skips the value of a field with key `key`, as the decoder does (a wire type OTLP does not use goes to it). */
  private skip(key: number, end: number): void {
    switch (key & 7) {
      case VARINT: {
        // At most 10 bytes, the 10th without a continuation bit.
        const b = this.b;
        let p = this.p;
        for (let i = 0; ; i++) {
          if (i === 10 || p >= end) throw GIVE_UP;
          if (b[p++]! < 0x80) break;
        }
        this.p = p;
        return;
      }
      case FIXED64:
        if (this.p + 8 > end) throw GIVE_UP;
        this.p += 8;
        return;
      case LEN:
        this.p = this.delimited(end);
        return;
      case FIXED32:
        if (this.p + 4 > end) throw GIVE_UP;
        this.p += 4;
        return;
      default:
        throw GIVE_UP;
    }
  }
}

/**
 * A fixed64 of nanoseconds since the epoch (its high and low 32 bits) as epoch seconds, exactly as
 * the decoder's reader gets them from its decimal digits: whole seconds plus the nanoseconds
 * (`secondsOfNanos`), the division by 10^9 done in 16-bit digits (every step exact in a double).
 */
function nanosAsSeconds(high: number, low: number): number {
  const digits = [high >>> 16, high & 0xffff, low >>> 16, low & 0xffff];
  let seconds = 0;
  let rest = 0;
  for (const d of digits) {
    const current = rest * 65536 + d;
    const q = Math.floor(current / 1e9);
    rest = current - q * 1e9;
    seconds = seconds * 65536 + q;
  }
  return secondsOfNanos(seconds, rest);
}
