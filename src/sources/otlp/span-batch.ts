import { getOrInsert } from '../../model/get-or-insert.ts';
import type { DeviceRule } from './device-rules.ts';
import { type PickedAttributes, REGION, SERVICE } from './otlp-attributes.ts';

/**
 * The spans of some lines of one file, in columns of numbers (what crosses from a worker thread
 * to the assembler; copied, see span-worker.ts). Strings (services, regions, device
 * types, ids that are not hex) are in `strings`, referred to by index.
 *
 * Ids: a trace id of 32 hex digits and a span id of 16 are held as their value (so they compare
 * case-insensitively, as the OTLP/JSON spec says), in 32-bit words; any other id is held as a
 * string (`idStrings` >= 0) and compares as written.
 */
export interface SpanBatch {
  readonly count: number;
  /** 4 words per span: the trace id's value (zeros when it is a string). */
  readonly traceWords: Uint32Array;
  /** 4 words per span: the span id's value (2), the parent span id's value (2). */
  readonly idWords: Uint32Array;
  /** 3 per span: the trace id's, span id's and parent span id's index in `strings`, or HEX_ID; the parent's is NO_PARENT for a root span. */
  readonly idStrings: Int32Array;
  /** Per span: 1 if its kind counts as a request (SERVER, CONSUMER). */
  readonly request: Uint8Array;
  /** Per span: its bucket occurrence, floor(start seconds / bucket seconds). */
  readonly occurrence: Float64Array;
  /** Per span: its place in the reading order of all spans (part number * 2^32 + span number in the part, see SpanBatchBuilder). */
  readonly ordinal: Float64Array;
  /** Per span: the device type its own and its resource's attributes give (index in `strings`), or -1. */
  readonly device: Int32Array;
  /** Per span: its resource's index (in `services`, `regions`). */
  readonly resource: Int32Array;
  /** Per resource: its service's index in `strings`, or -1 when the resource has no service attribute. */
  readonly services: Int32Array;
  /** Per resource: its region's index in `strings`, or -1. */
  readonly regions: Int32Array;
  /** The file the spans came from (index in the sorted file list). */
  readonly file: number;
  readonly strings: string[];
}

/** `idStrings` of an id held as its hex value. */
export const HEX_ID = -1;
/** `idStrings` of the parent of a root span (no or an empty parentSpanId). */
export const NO_PARENT = -2;

/** Where an id is in a byte buffer (UTF-8, unescaped). */
export interface ByteSpan {
  start: number;
  end: number;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[0x61 + i] = 10 + i;
  HEX[0x41 + i] = 10 + i;
}

/**
 * Two hex digits (the first in the low byte, as read little-endian) as their value, else -1.
 * Filled from the 22 x 22 pairs of digits, not by testing all 65,536 pairs of bytes (~2 ms of
 * every start of evac: every command that reads data loads this module).
 */
const HEX_PAIR = new Int16Array(1 << 16).fill(-1);
const HEX_DIGITS = [...HEX.keys()].filter((c) => HEX[c]! >= 0);
for (const a of HEX_DIGITS) for (const b of HEX_DIGITS) HEX_PAIR[a | (b << 8)] = HEX[a]! * 16 + HEX[b]!;

/** 8 hex digits at b[i..i+8) as an unsigned 32-bit number, or -1 when one is not a hex digit. */
function hexWord(b: Uint8Array, i: number): number {
  const p0 = HEX_PAIR[b[i]! | (b[i + 1]! << 8)]!;
  const p1 = HEX_PAIR[b[i + 2]! | (b[i + 3]! << 8)]!;
  const p2 = HEX_PAIR[b[i + 4]! | (b[i + 5]! << 8)]!;
  const p3 = HEX_PAIR[b[i + 6]! | (b[i + 7]! << 8)]!;
  if ((p0 | p1 | p2 | p3) < 0) return -1;
  return ((p0 << 24) | (p1 << 16) | (p2 << 8) | p3) >>> 0;
}

/** The 4 bytes at b[i..i+4) as a big-endian unsigned 32-bit number (what their 8 hex digits give `hexWord`). */
function word(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

const SPAN_NUMBER_LIMIT = 2 ** 32;

/**
 * Collects the spans of one file into `SpanBatch`es: the one sink both readers of a line (the
 * byte scanner and JSON.parse) write into, so both give the same records. Applies the device
 * rules (a span's own attributes, else its resource's) and the time bucketing.
 */
export class SpanBatchBuilder {
  private cap = 0;
  private n = 0;
  private traceWords = new Uint32Array(0);
  private idWords = new Uint32Array(0);
  private idStrings = new Int32Array(0);
  private request = new Uint8Array(0);
  private occurrence = new Float64Array(0);
  private ordinal = new Float64Array(0);
  private device = new Int32Array(0);
  private resourceOf = new Int32Array(0);
  private services: number[] = [];
  private regions: number[] = [];
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private resourceAttributes: PickedAttributes = [];
  private resourceDevice = -1;
  /** Spans of the file before this batch (for ordinals). */
  private spanNumber = 0;
  private readonly partBase: number;

  /**
   * @param part the number of the part of the input read (in reading order: file, then range in the file)
   * @param file the file's index in the sorted file list
   */
  constructor(
    part: number,
    private readonly file: number,
    private readonly bucketSeconds: number,
    private readonly rule: DeviceRule,
  ) {
    this.partBase = part * SPAN_NUMBER_LIMIT;
    if (!Number.isSafeInteger(this.partBase + SPAN_NUMBER_LIMIT)) throw new Error(`part ${part}: too many files to number their spans exactly`);
    this.grow(4096);
  }

  get count(): number {
    return this.n;
  }

  /** The state to return to with `rollback` (when a line turns out to need the other reader). */
  mark(): { spans: number; resources: number } {
    return { spans: this.n, resources: this.services.length };
  }

  rollback(mark: { spans: number; resources: number }): void {
    this.n = mark.spans;
    this.services.length = mark.resources;
    this.regions.length = mark.resources;
  }

  /** Starts the spans of a resource, given its picked attributes. */
  resource(attributes: PickedAttributes): void {
    this.services.push(this.intern(attributes[SERVICE]));
    this.regions.push(this.intern(attributes[REGION]));
    this.resourceAttributes = attributes;
    this.resourceDevice = this.intern(this.rule([], attributes));
  }

  /**
   * Adds a span of the current resource: its ids as UTF-8 bytes in `b` (parent empty for a root),
   * whether it counts as a request, its start (epoch seconds), and its own picked attributes
   * (undefined when it has none of them; read during the call only, the scanner reuses the list).
   */
  span(b: Buffer, trace: ByteSpan, id: ByteSpan, parent: ByteSpan, request: boolean, start: number, attributes: PickedAttributes | undefined): void {
    if (this.n === this.cap) this.grow(this.cap * 2);
    const i = this.n++;
    const tw = i * 4;
    const tws = this.traceWords;
    const ids = this.idStrings;
    if (trace.end - trace.start === 32) {
      const w0 = hexWord(b, trace.start);
      const w1 = hexWord(b, trace.start + 8);
      const w2 = hexWord(b, trace.start + 16);
      const w3 = hexWord(b, trace.start + 24);
      if (w0 >= 0 && w1 >= 0 && w2 >= 0 && w3 >= 0) {
        tws[tw] = w0;
        tws[tw + 1] = w1;
        tws[tw + 2] = w2;
        tws[tw + 3] = w3;
        ids[i * 3] = HEX_ID;
      } else this.stringId(b, trace, tws, tw, 4, 3 * i);
    } else this.stringId(b, trace, tws, tw, 4, 3 * i);
    this.spanId(b, id, i * 4, i * 3 + 1);
    if (parent.end === parent.start) {
      this.idWords[i * 4 + 2] = 0;
      this.idWords[i * 4 + 3] = 0;
      ids[i * 3 + 2] = NO_PARENT;
    } else this.spanId(b, parent, i * 4 + 2, i * 3 + 2);
    this.rest(i, request, start, attributes);
  }

  /**
   * Adds a span of the current resource whose ids are bytes (protobuf): a 16-byte trace id at
   * b[trace], an 8-byte span id at b[id], an 8-byte parent span id at b[parent] (-1 for a root).
   * They give the values their hex text (OTLP/JSON) gives `span`. The rest as in `span`.
   */
  spanOfBytes(b: Buffer, trace: number, id: number, parent: number, request: boolean, start: number, attributes: PickedAttributes | undefined): void {
    if (this.n === this.cap) this.grow(this.cap * 2);
    const i = this.n++;
    const tws = this.traceWords;
    tws[i * 4] = word(b, trace);
    tws[i * 4 + 1] = word(b, trace + 4);
    tws[i * 4 + 2] = word(b, trace + 8);
    tws[i * 4 + 3] = word(b, trace + 12);
    const ids = this.idStrings;
    const words = this.idWords;
    ids[i * 3] = HEX_ID;
    words[i * 4] = word(b, id);
    words[i * 4 + 1] = word(b, id + 4);
    ids[i * 3 + 1] = HEX_ID;
    if (parent < 0) {
      words[i * 4 + 2] = 0;
      words[i * 4 + 3] = 0;
      ids[i * 3 + 2] = NO_PARENT;
    } else {
      words[i * 4 + 2] = word(b, parent);
      words[i * 4 + 3] = word(b, parent + 4);
      ids[i * 3 + 2] = HEX_ID;
    }
    this.rest(i, request, start, attributes);
  }

  /** What `span` and `spanOfBytes` write besides the ids. */
  private rest(i: number, request: boolean, start: number, attributes: PickedAttributes | undefined): void {
    this.request[i] = request ? 1 : 0;
    this.occurrence[i] = Math.floor(start / this.bucketSeconds);
    this.ordinal[i] = this.partBase + this.spanNumber + i;
    this.device[i] = attributes === undefined ? this.resourceDevice : this.intern(this.rule(attributes, this.resourceAttributes));
    this.resourceOf[i] = this.services.length - 1;
  }

  /**
   * The spans so far as a batch (call between lines); the builder starts a new one. `lent`: the
   * batch's columns are views of the builder's, valid only until the next span is added (for a
   * reader that is done with the batch when it returns, as the assembler is), else copies.
   */
  take(lent = false): SpanBatch {
    const n = this.n;
    const part = <T extends Uint32Array | Int32Array | Uint8Array | Float64Array>(a: T, length: number): T =>
      (lent ? a.subarray(0, length) : a.slice(0, length)) as T;
    const batch: SpanBatch = {
      count: n,
      traceWords: part(this.traceWords, n * 4),
      idWords: part(this.idWords, n * 4),
      idStrings: part(this.idStrings, n * 3),
      request: part(this.request, n),
      occurrence: part(this.occurrence, n),
      ordinal: part(this.ordinal, n),
      device: part(this.device, n),
      resource: part(this.resourceOf, n),
      services: Int32Array.from(this.services),
      regions: Int32Array.from(this.regions),
      file: this.file,
      strings: this.strings,
    };
    if (this.spanNumber + n >= SPAN_NUMBER_LIMIT) throw new Error(`more than ${SPAN_NUMBER_LIMIT} spans in one part of a file: split it`);
    this.spanNumber += n;
    // Taken between lines only: every span of the next line follows its resource in that line.
    this.n = 0;
    this.services = [];
    this.regions = [];
    this.strings = [];
    this.stringIndex = new Map();
    return batch;
  }

  private intern(s: string | undefined): number {
    if (s === undefined) return -1;
    return getOrInsert(this.stringIndex, s, () => this.strings.push(s) - 1);
  }

  /** An id that is not hex: its words zeroed (`words` of them in `into`), its string interned. */
  private stringId(b: Buffer, at: ByteSpan, into: Uint32Array, word: number, words: number, slot: number): void {
    into.fill(0, word, word + words);
    this.idStrings[slot] = this.intern(b.toString('utf8', at.start, at.end));
  }

  private spanId(b: Buffer, at: ByteSpan, word: number, slot: number): void {
    if (at.end - at.start === 16) {
      const hi = hexWord(b, at.start);
      const lo = hexWord(b, at.start + 8);
      if (hi >= 0 && lo >= 0) {
        this.idWords[word] = hi;
        this.idWords[word + 1] = lo;
        this.idStrings[slot] = HEX_ID;
        return;
      }
    }
    this.stringId(b, at, this.idWords, word, 2, slot);
  }

  private grow(cap: number): void {
    const copy = <T extends Uint32Array | Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T, per: number): T => {
      const next = make(cap * per);
      next.set(a.subarray(0, this.n * per));
      return next;
    };
    this.traceWords = copy(this.traceWords, (n) => new Uint32Array(n), 4);
    this.idWords = copy(this.idWords, (n) => new Uint32Array(n), 4);
    this.idStrings = copy(this.idStrings, (n) => new Int32Array(n), 3);
    this.request = copy(this.request, (n) => new Uint8Array(n), 1);
    this.occurrence = copy(this.occurrence, (n) => new Float64Array(n), 1);
    this.ordinal = copy(this.ordinal, (n) => new Float64Array(n), 1);
    this.device = copy(this.device, (n) => new Int32Array(n), 1);
    this.resourceOf = copy(this.resourceOf, (n) => new Int32Array(n), 1);
    this.cap = cap;
  }
}
