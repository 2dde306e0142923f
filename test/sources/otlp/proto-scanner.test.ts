import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TracesConfigSchema } from '../../../src/config/evacuation-config.ts';
import { deviceRule } from '../../../src/sources/otlp/device-rules.ts';
import { readRequest } from '../../../src/sources/otlp/json-request.ts';
import { attributeNames } from '../../../src/sources/otlp/otlp-attributes.ts';
import { decodeTraceRequest, ProtoError } from '../../../src/sources/otlp/proto-request.ts';
import { ProtoScanner } from '../../../src/sources/otlp/proto-scanner.ts';
import { SpanBatchBuilder } from '../../../src/sources/otlp/span-batch.ts';
import { SdkSpans, SpanKind } from '../../support/otlp-spans.ts';
import { spanRecords } from '../../support/span-records.ts';

const traces = TracesConfigSchema.parse({ deviceType: { attribute: 'app.device.type', userAgent: [{ match: '(?i)iphone', device: 'ios' }] } });
const names = attributeNames(traces);
const AT = Date.UTC(2026, 10, 20, 10, 7);

/** Reads a message as evac does (the scanner, the decoder for what it leaves), or with the decoder only. */
function read(bytes: Buffer, how: 'scanner' | 'decoder') {
  const builder = new SpanBatchBuilder(0, 0, 900, deviceRule(traces));
  const issues: string[] = [];
  const mark = builder.mark();
  const scanned = how === 'scanner' && new ProtoScanner(names).scan(bytes, 0, bytes.length, builder);
  if (!scanned) {
    builder.rollback(mark);
    try {
      readRequest(decodeTraceRequest(bytes, 0, bytes.length), names, builder, (path, message) => issues.push(`${path}: ${message}`));
    } catch (error) {
      if (!(error instanceof ProtoError)) throw error;
      issues.push(`(protobuf): ${error.message}`);
    }
  }
  return { scanned, issues, records: spanRecords(builder.take()) };
}

function serialize(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
}

// Attributes of every kind the SDK writes, on the names evac reads and others; text with multi-byte characters.
const text = fc.oneof(fc.constantFrom('', 'tv', 'App (iPhone; iOS 17)', 'ünïcødé ✓ 😀', 'web'), fc.string({ maxLength: 20, unit: 'binary' }));
const attributeValue = fc.oneof(text, fc.integer(), fc.double({ noNaN: true }), fc.boolean());
const attributeKey = fc.constantFrom('app.device.type', 'user_agent.original', 'http.user_agent', 'http.route', 'service.name', 'x');
const spansArbitrary = fc.array(
  fc.record({
    service: fc.constantFrom('edge', 'api'),
    region: fc.constantFrom('us-east-1', 'eu-west-1'),
    kind: fc.constantFrom(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.CONSUMER, SpanKind.INTERNAL, SpanKind.PRODUCER),
    child: fc.boolean(),
    at: fc.integer({ min: 0, max: 10 ** 6 }),
    attributes: fc.dictionary(attributeKey, attributeValue, { maxKeys: 4 }),
  }),
  { minLength: 1, maxLength: 8 },
);

type Described = typeof spansArbitrary extends fc.Arbitrary<(infer T)[]> ? T : never;

/** The SDK's protobuf request for the spans described (each a child of the one before when `child`). */
function sdkMessage(described: Described[]): Buffer {
  const sdk = new SdkSpans();
  let last: ReturnType<SdkSpans['span']> | undefined;
  for (const d of described) {
    last = sdk.span(d.service, {
      region: d.region,
      kind: d.kind,
      at: AT + d.at,
      attributes: d.attributes,
      ...(d.child && last !== undefined ? { parent: last } : {}),
    });
  }
  return serialize(sdk.take());
}

/** The length-delimited fields of a message (every tag one byte, as in OTLP's messages up to a span). */
function fieldsOf(b: Buffer): { whole: Buffer; content: Buffer }[] {
  const out: { whole: Buffer; content: Buffer }[] = [];
  for (let p = 0; p < b.length; ) {
    const start = p++;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const c = b[p++]!;
      length += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) break;
    }
    out.push({ whole: b.subarray(start, p + length), content: b.subarray(p, p + length) });
    p += length;
  }
  return out;
}

/** A length-delimited field `number` holding `content`. */
function field(number: number, content: Buffer): Buffer {
  const length: number[] = [];
  for (let n = content.length; ; n = Math.floor(n / 128)) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([(number << 3) | 2, ...length]), content]);
}

describe('ProtoScanner', () => {
  test('takes every request the SDK serializes itself, with the records the decoder gives', () => {
    fc.assert(
      fc.property(spansArbitrary, (described) => {
        // A picked attribute that is not a string is left to the decoder (which writes it as text).
        const stringsOnly = described.map((d) => ({
          ...d,
          attributes: Object.fromEntries(
            Object.entries(d.attributes).filter(
              ([k, v]) => typeof v === 'string' || !['app.device.type', 'user_agent.original', 'http.user_agent', 'service.name'].includes(k),
            ),
          ),
        }));
        const bytes = sdkMessage(stringsOnly);
        const viaScanner = read(bytes, 'scanner');
        expect(viaScanner.scanned).toBe(true);
        expect(viaScanner).toEqual({ ...read(bytes, 'decoder'), scanned: true });
      }),
      { numRuns: 150 },
    );
  });

  test('gives the same records and problems as the decoder on damaged requests (bytes changed, cut short, inserted)', () => {
    // Places anywhere in the message (fast-check favours small numbers: not here).
    const place = fc.noBias(fc.nat({ max: 2 ** 30 }));
    const damage = fc.record({
      changes: fc.array(fc.record({ at: place, byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 3 }),
      cut: fc.option(place, { nil: undefined }),
      insert: fc.option(fc.record({ at: place, bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }), { nil: undefined }),
    });
    fc.assert(
      fc.property(spansArbitrary, damage, (described, { changes, cut, insert }) => {
        let bytes = sdkMessage(described);
        for (const c of changes) bytes[c.at % bytes.length] = c.byte;
        if (insert !== undefined) {
          const at = insert.at % bytes.length;
          bytes = Buffer.concat([bytes.subarray(0, at), insert.bytes, bytes.subarray(at)]);
        }
        if (cut !== undefined) bytes = bytes.subarray(0, cut % bytes.length);
        const viaScanner = read(bytes, 'scanner');
        const viaDecoder = read(bytes, 'decoder');
        expect(viaScanner.records).toEqual(viaDecoder.records);
        expect(viaScanner.issues).toEqual(viaDecoder.issues);
        if (viaScanner.scanned) expect(viaDecoder.issues).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  test('leaves to the decoder a resource after its spans, a picked attribute that is a number, a field given twice', () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
    sdk.span('api', { at: AT, parent: root, kind: SpanKind.CONSUMER });
    const bytes = serialize(sdk.take());
    // The request's first ResourceSpans (field 1) with its resource (field 1) moved after its scope spans (field 2).
    const [first, ...others] = fieldsOf(bytes);
    const [resource, ...scopeSpans] = fieldsOf(first!.content);
    const moved = Buffer.concat([field(1, Buffer.concat([...scopeSpans.map((f) => f.whole), resource!.whole])), ...others.map((f) => f.whole)]);

    const numberDevice = serialize(
      (() => {
        const s = new SdkSpans();
        s.span('edge', { at: AT, attributes: { 'app.device.type': 7 } });
        return s.take();
      })(),
    );
    // The first span's kind given again after its other fields, as CLIENT: the decoder takes the last one given.
    const [scope, firstSpan, ...otherSpans] = fieldsOf(scopeSpans[0]!.content);
    const kindTwice = Buffer.concat([
      field(
        1,
        Buffer.concat([
          resource!.whole,
          field(2, Buffer.concat([scope!.whole, field(2, Buffer.concat([firstSpan!.content, Buffer.from([0x30, 0x03])])), ...otherSpans.map((f) => f.whole)])),
          ...scopeSpans.slice(1).map((f) => f.whole),
        ]),
      ),
      ...others.map((f) => f.whole),
    ]);
    expect(read(bytes, 'scanner').records[0]?.request).toBe(true);
    expect(read(kindTwice, 'scanner').records[0]?.request).toBe(false);

    for (const message of [moved, numberDevice, kindTwice]) {
      const viaScanner = read(message, 'scanner');
      expect(viaScanner.scanned).toBe(false);
      expect(viaScanner.records.length).toBeGreaterThan(0);
      expect(viaScanner).toEqual(read(message, 'decoder'));
    }
    expect(read(numberDevice, 'scanner').records[0]?.device).toBe('7');
  });
});
