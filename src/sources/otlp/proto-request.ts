/**
 * An OTLP protobuf ExportTraceServiceRequest (opentelemetry-proto, collector/trace/v1) decoded
 * into the object OTLP/JSON gives for it (the OTLP JSON mapping: ids as lowercase hex, enums as
 * numbers, 64-bit integers as strings), so that one reader (json-request.ts) applies the rules to
 * both encodings. Only what evac reads is decoded (resource and span attributes, ids, kind,
 * start time); every other field is skipped by its wire type, as protobuf readers do.
 */

/** A message that does not follow protobuf's wire format or the OTLP schema: what and where. */
export class ProtoError extends Error {}

/** Wire types (protobuf encoding). */
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

/** The OTLP/JSON form of a request's bytes `[start, end)` of `buf`; throws ProtoError. */
export function decodeTraceRequest(buf: Buffer, start: number, end: number): { resourceSpans: unknown[] } {
  const resourceSpans: unknown[] = [];
  fields(new Reader(buf, start, end), 'request', (r, field, wire) => {
    if (field === 1) resourceSpans.push(resourceSpansOf(r.message(wire, 'resourceSpans')));
    else r.skip(wire);
  });
  return { resourceSpans };
}

function resourceSpansOf(r: Reader): unknown {
  let attributes: unknown[] = [];
  const scopeSpans: unknown[] = [];
  fields(r, 'resourceSpans', (r, field, wire) => {
    if (field === 1) attributes = attributesOf(r.message(wire, 'resource'), 1);
    else if (field === 2) scopeSpans.push(scopeSpansOf(r.message(wire, 'scopeSpans')));
    else r.skip(wire);
  });
  return { resource: { attributes }, scopeSpans };
}

function scopeSpansOf(r: Reader): unknown {
  const spans: unknown[] = [];
  fields(r, 'scopeSpans', (r, field, wire) => {
    if (field === 2) spans.push(spanOf(r.message(wire, 'span')));
    else r.skip(wire);
  });
  return { spans };
}

function spanOf(r: Reader): unknown {
  const span: Record<string, unknown> = { traceId: '', spanId: '', parentSpanId: '', kind: 0, startTimeUnixNano: '0', attributes: [] };
  const attributes: unknown[] = [];
  fields(r, 'span', (r, field, wire) => {
    if (field === 1) span.traceId = r.hex(wire, 'traceId');
    else if (field === 2) span.spanId = r.hex(wire, 'spanId');
    else if (field === 4) span.parentSpanId = r.hex(wire, 'parentSpanId');
    else if (field === 6) span.kind = r.enumValue(wire, 'kind');
    else if (field === 7) span.startTimeUnixNano = r.fixed64(wire, 'startTimeUnixNano');
    else if (field === 9) attributes.push(keyValueOf(r.message(wire, 'attributes')));
    else r.skip(wire);
  });
  span.attributes = attributes;
  return span;
}

/** The repeated KeyValue field `field` of a message. */
function attributesOf(r: Reader, field: number): unknown[] {
  const attributes: unknown[] = [];
  fields(r, 'attributes', (r, f, wire) => {
    if (f === field) attributes.push(keyValueOf(r.message(wire, 'attributes')));
    else r.skip(wire);
  });
  return attributes;
}

function keyValueOf(r: Reader): unknown {
  let key = '';
  let value: Record<string, unknown> = {};
  fields(r, 'attribute', (r, field, wire) => {
    if (field === 1) key = r.string(wire, 'key');
    else if (field === 2) value = anyValueOf(r.message(wire, 'value'));
    else r.skip(wire);
  });
  return { key, value };
}

/** An AnyValue: its scalar as OTLP/JSON writes it; arrays, maps and bytes as present but not scalar. */
function anyValueOf(r: Reader): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  fields(r, 'value', (r, field, wire) => {
    if (field === 1) value = { stringValue: r.string(wire, 'stringValue') };
    else if (field === 2) value = { boolValue: r.varint(wire, 'boolValue') !== 0n };
    else if (field === 3) value = { intValue: BigInt.asIntN(64, r.varint(wire, 'intValue')).toString() };
    else if (field === 4) value = { doubleValue: r.double(wire, 'doubleValue') };
    else if (field === 5 || field === 6 || field === 7) {
      r.skip(wire);
      value = { [field === 5 ? 'arrayValue' : field === 6 ? 'kvlistValue' : 'bytesValue']: {} };
    } else r.skip(wire);
  });
  return value;
}

/** Calls `each` for every field of the message `r` holds, until its end. */
function fields(r: Reader, what: string, each: (r: Reader, field: number, wire: number) => void): void {
  while (r.pos < r.end) {
    const key = Number(r.varint(VARINT, `${what} field key`));
    const field = Math.floor(key / 8);
    if (field === 0) throw new ProtoError(`${what}: field number 0 (at byte ${r.pos}): not a protobuf message`);
    each(r, field, key % 8);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads protobuf's wire format in `[pos, end)` of a buffer. */
class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  varint(wire: number, what: string): bigint {
    this.expect(wire, VARINT, what);
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new ProtoError(`${what}: varint cut off by the end of its message`);
      const b = this.buf[this.pos++] as number;
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, value);
    }
    throw new ProtoError(`${what}: varint longer than 10 bytes`);
  }

  /** An enum's number (OTLP/JSON writes enums as numbers). */
  enumValue(wire: number, what: string): number {
    return Number(BigInt.asIntN(32, this.varint(wire, what)));
  }

  /** A fixed64 (nanoseconds since the epoch) as the decimal string OTLP/JSON writes. */
  fixed64(wire: number, what: string): string {
    this.expect(wire, FIXED64, what);
    this.need(8, what);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v.toString();
  }

  double(wire: number, what: string): number {
    this.expect(wire, FIXED64, what);
    this.need(8, what);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field: its bounds, the reader past it. */
  private delimited(wire: number, what: string): [number, number] {
    this.expect(wire, LEN, what);
    const length = Number(this.varint(VARINT, `${what} length`));
    this.need(length, what);
    const start = this.pos;
    this.pos += length;
    return [start, this.pos];
  }

  message(wire: number, what: string): Reader {
    const [start, end] = this.delimited(wire, what);
    return new Reader(this.buf, start, end);
  }

  string(wire: number, what: string): string {
    const [start, end] = this.delimited(wire, what);
    try {
      return utf8.decode(this.buf.subarray(start, end));
    } catch {
      throw new ProtoError(`${what}: not UTF-8 text`);
    }
  }

  /** Id bytes as lowercase hex (the OTLP/JSON form of trace and span ids). */
  hex(wire: number, what: string): string {
    const [start, end] = this.delimited(wire, what);
    return this.buf.toString('hex', start, end);
  }

  skip(wire: number): void {
    if (wire === VARINT) this.varint(wire, 'a field');
    else if (wire === FIXED64) this.skipBytes(8);
    else if (wire === LEN) this.delimited(wire, 'a field');
    else if (wire === FIXED32) this.skipBytes(4);
    else throw new ProtoError(`wire type ${wire} (at byte ${this.pos}): not one OTLP uses (groups are obsolete); not a protobuf message?`);
  }

  private skipBytes(n: number): void {
    this.need(n, 'a field');
    this.pos += n;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new ProtoError(`${what}: ${n} bytes announced, ${this.end - this.pos} left in its message`);
  }

  private expect(wire: number, wanted: number, what: string): void {
    if (wire !== wanted) throw new ProtoError(`${what}: wire type ${wire}, expected ${wanted} (not the OTLP schema)`);
  }
}
