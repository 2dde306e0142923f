import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TracesConfigSchema } from '../../../src/config/evacuation-config.ts';
import { mulberry32 } from '../../../src/model/mulberry32.ts';
import { deviceRule } from '../../../src/sources/otlp/device-rules.ts';
import { readRequestJson } from '../../../src/sources/otlp/json-request.ts';
import { attributeNames } from '../../../src/sources/otlp/otlp-attributes.ts';
import { OtlpScanner } from '../../../src/sources/otlp/otlp-scanner.ts';
import { SpanBatchBuilder } from '../../../src/sources/otlp/span-batch.ts';
import { otlpLine, SdkSpans, SpanKind } from '../../support/otlp-spans.ts';
import { spanRecords } from '../../support/span-records.ts';

const traces = TracesConfigSchema.parse({ deviceType: { attribute: 'app.device.type', userAgent: [{ match: '(?i)iphone', device: 'ios' }] } });
const names = attributeNames(traces);

/** Reads a line as evac does (the scanner, JSON.parse for what it leaves), or with JSON.parse only. */
function read(line: string, how: 'scanner' | 'json') {
  const builder = new SpanBatchBuilder(0, 0, 900, deviceRule(traces));
  const issues: string[] = [];
  const bytes = Buffer.from(line, 'utf8');
  const mark = builder.mark();
  const scanned = how === 'scanner' && new OtlpScanner(names).scan(bytes, 0, bytes.length, builder);
  if (!scanned) {
    builder.rollback(mark);
    readRequestJson(line, names, builder, (path, message) => issues.push(`${path}: ${message}`));
  }
  return { scanned, issues, records: spanRecords(builder.take()) };
}

// Random OTLP requests, as values; `serialize` writes them with random key order, whitespace and escapes.
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: n, maxLength: n });
const text = fc.oneof(
  fc.constantFrom('GET /v1/play', 'Streamer/8 (iPhone; iOS 17)', 'ExoPlayer (Android 14)', 'tv', 'web', '', 'a"quoted"\\path', 'ünïcødé ✓ 😀', 'tab\there'),
  fc.string({ maxLength: 40 }),
);
const attrKey = fc.constantFrom(
  'service.name',
  'cloud.region',
  'app.device.type',
  'user_agent.original',
  'http.user_agent',
  'http.route',
  'service.namespace',
  'x',
);
const attrValue = fc.oneof(
  text.map((v) => ({ stringValue: v })),
  fc.integer().map((v) => ({ intValue: String(v) })),
  fc.integer().map((v) => ({ intValue: v })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => ({ doubleValue: v })),
  fc.boolean().map((v) => ({ boolValue: v })),
  fc.constant({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } }),
  fc.constant({ kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } }),
  fc.constant({}),
);
const attributes = fc.array(fc.record({ key: attrKey, value: attrValue }, { requiredKeys: ['key'] }), { maxLength: 6 });
/** A span's members, in the order the SDK's serializer writes them. */
const spanMembers = {
  traceId: fc.oneof({ weight: 6, arbitrary: hex(32) }, { weight: 1, arbitrary: fc.constantFrom('abc', 'not-a-hex-trace-id-of-32-chars!!', 'x'.repeat(32)) }),
  spanId: fc.oneof({ weight: 6, arbitrary: hex(16) }, { weight: 1, arbitrary: fc.constantFrom('b', 'zzzzzzzzzzzzzzzz') }),
  parentSpanId: fc.oneof(hex(16), fc.constant('')),
  name: text,
  kind: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom('SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER', 'SPAN_KIND_CLIENT', 2.0, 5, 20e-1)),
  startTimeUnixNano: fc.oneof(
    fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }).map(String),
    fc.constantFrom('1795133597066939941', '0', '123456789', '1234567890', '00001795133597066939941'.slice(-20)),
    fc.integer({ min: 0, max: 2 ** 52 }),
  ),
  endTimeUnixNano: fc.constantFrom('1795133597067939941', '1795133597067939941x', ''),
  attributes,
  // Mostly what the SDK writes (the tail the scanner compares whole), sometimes not.
  droppedAttributesCount: fc.constantFrom(0, 0, 0, 2),
  events: fc.constantFrom([], [], [{ name: 'e', timeUnixNano: '1', attributes: [] }]),
  droppedEventsCount: fc.constantFrom(0, 0, 1),
  status: fc.constantFrom({ code: 0 }, { code: 0 }, { code: 2, message: 'boom {"x": [1]}' }, {}),
  links: fc.constant([]),
  droppedLinksCount: fc.constantFrom(0, 0, 3),
  flags: fc.constantFrom(257, 257, 256, 2570),
};
const span = fc.record(spanMembers, { requiredKeys: ['traceId', 'spanId', 'startTimeUnixNano'] });
/** A span with every member the SDK writes (parentSpanId only below a root), its kind and start time mostly as the SDK writes them. */
const sdkSpan = fc.record(
  {
    ...spanMembers,
    kind: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 1, arbitrary: spanMembers.kind }),
    startTimeUnixNano: fc.oneof(
      { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }).map(String) },
      { weight: 1, arbitrary: spanMembers.startTimeUnixNano },
    ),
  },
  { requiredKeys: (Object.keys(spanMembers) as (keyof typeof spanMembers)[]).filter((k) => k !== 'parentSpanId') },
);
const requestOf = (span: fc.Arbitrary<Partial<Record<keyof typeof spanMembers, unknown>>>) =>
  fc.record({
    resourceSpans: fc.array(
      fc.record(
        {
          resource: fc.record({ attributes, droppedAttributesCount: fc.nat(2) }, { requiredKeys: [] }),
          scopeSpans: fc.array(
            fc.record(
              { scope: fc.constant({ name: 'lib', version: '1.0' }), spans: fc.array(span, { maxLength: 4 }), schemaUrl: fc.constant('') },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
          schemaUrl: fc.constant('https://opentelemetry.io/schemas/1.24.0'),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
  });
const request = requestOf(span);
const sdkRequest = requestOf(sdkSpan);

/**
 * JSON text of `value`: keys shuffled, whitespace sprinkled, characters of strings (not of keys or
 * ids, when `plainIds`) escaped at random. `layout: 'sdk'` writes it as the SDK's serializer does
 * (keys in the order the arbitraries declare them, which is the SDK's; no whitespace), the form
 * the scanner reads straight through, with escapes in values still at random.
 */
function serialize(value: unknown, seed: number, plainIds: boolean, layout: 'shuffled' | 'sdk' = 'shuffled'): string {
  const rand = mulberry32(seed);
  const sdk = layout === 'sdk';
  const ws = () => (!sdk && rand() < 0.2 ? [' ', '\n', '\t', '\r\n  '][(rand() * 4) | 0]! : '');
  const str = (s: string, mayEscape: boolean) =>
    mayEscape && rand() < 0.3
      ? `"${s
          .split('')
          .map((c) => (rand() < 0.3 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(c).slice(1, -1)))
          .join('')}"`
      : JSON.stringify(s);
  const write = (v: unknown, key: string | undefined): string => {
    if (typeof v === 'string')
      return str(
        v,
        !(plainIds && (key === 'traceId' || key === 'spanId' || key === 'parentSpanId' || key === 'key' || key === 'kind' || key === 'startTimeUnixNano')),
      );
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => `${ws()}${write(x, undefined)}${ws()}`).join(',')}${ws()}]`;
    if (v !== null && typeof v === 'object') {
      const entries = sdk ? Object.entries(v) : Object.entries(v).sort(() => rand() - 0.5);
      return `{${ws()}${entries.map(([k, x]) => `${ws()}${str(k, !plainIds)}${ws()}:${ws()}${write(x, k)}${ws()}`).join(',')}${ws()}}`;
    }
    return JSON.stringify(v);
  };
  return ws() + write(value, undefined) + ws();
}

describe('OtlpScanner', () => {
  test('gives the same records as JSON.parse on any key order, whitespace, escapes and value kinds', () => {
    fc.assert(
      fc.property(request, fc.integer(), fc.boolean(), (req, seed, plainIds) => {
        const line = serialize(req, seed, plainIds);
        const viaScanner = read(line, 'scanner');
        const viaJson = read(line, 'json');
        expect(viaScanner.records).toEqual(viaJson.records);
        expect(viaScanner.issues).toEqual(viaJson.issues);
      }),
      { numRuns: 1500, seed: 20261125 },
    );
  });

  test('gives the same records as JSON.parse on lines in the SDK layout, whatever their values', () => {
    fc.assert(
      fc.property(sdkRequest, fc.integer(), fc.boolean(), (req, seed, plainIds) => {
        const line = serialize(req, seed, plainIds, 'sdk');
        const viaScanner = read(line, 'scanner');
        const viaJson = read(line, 'json');
        expect(viaScanner.records).toEqual(viaJson.records);
        expect(viaScanner.issues).toEqual(viaJson.issues);
      }),
      { numRuns: 1500, seed: 20261126 },
    );
  });

  test('takes a line itself (no JSON.parse) when keys and ids are not escaped, in any order', () => {
    fc.assert(
      fc.property(request, fc.integer(), (req, seed) => {
        const valid = req.resourceSpans.every((r) =>
          (r.scopeSpans ?? []).every((s) => (s.spans ?? []).every((sp) => sp.traceId !== '' && sp.spanId !== '' && typeof sp.startTimeUnixNano !== 'number')),
        );
        fc.pre(valid);
        expect(read(serialize(req, seed, true), 'scanner').scanned).toBe(true);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  test('reads the lines of the official SDK serializer itself', () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { attributes: { 'user_agent.original': 'App (iPhone; iOS 17)' } });
    sdk.span('api', { parent: root, kind: SpanKind.CONSUMER, attributes: { 'app.device.type': 'tv' } });
    const line = otlpLine(sdk.take());
    const viaScanner = read(line, 'scanner');
    expect(viaScanner.scanned).toBe(true);
    expect(viaScanner.records).toEqual(read(line, 'json').records);
    expect(viaScanner.records.map((r) => [r.service, r.device, r.request])).toEqual([
      ['edge', 'ios', true],
      ['api', 'tv', true],
    ]);
  });

  test('leaves to JSON.parse a line with an escaped key or id, a duplicate key, invalid JSON or a problem to report, with the same result', () => {
    const span = '"spanId":"00000000000000b1","startTimeUnixNano":"1795133597066939941","kind":2';
    const lines = [
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"trace\\u0049d":"0000000000000000000000000000a001",${span}}]}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"\\u0030000000000000000000000000a001",${span}}]}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0000000000000000000000000000a001","traceId":"0000000000000000000000000000a002",${span}}]}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0000000000000000000000000000a001","spanId":"00000000000000b1","startTimeUnixNano":"2026-11-20"}]}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0000000000000000000000000000a001",${span}}]}]}]} trailing`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0000000000000000000000000000a001",${span},"name":"\\x"}]}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0000000000000000000000000000a001",${span},"flags":01}]}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0000000000000000000000000000a001",${span},"name":"a	b"}]}]}]}`,
    ];
    for (const line of lines) {
      const viaScanner = read(line, 'scanner');
      expect(viaScanner.scanned).toBe(false);
      expect(viaScanner).toEqual({ ...read(line, 'json'), scanned: false });
    }
    expect(read(lines[0]!, 'json').records[0]?.trace).toBe('0000000000000000000000000000a001');
    expect(read(lines[3]!, 'json').issues).toEqual([
      'resourceSpans.0.scopeSpans.0.spans.0.startTimeUnixNano: "2026-11-20": expected nanoseconds since the epoch, as a string of digits',
    ]);
    expect(read(lines[4]!, 'json').issues[0]).toMatch(/^\(line\): not JSON/);
  });

  test('reads the spans of a resource that comes after them', () => {
    const line =
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_SERVER","startTimeUnixNano":"1795133597066939941","spanId":"00000000000000B1","traceId":"0000000000000000000000000000A001"}]}],' +
      '"resource":{"attributes":[{"value":{"stringValue":"us-east-1"},"key":"cloud.region"},{"key":"service.name","value":{"stringValue":"edge"}}]}}]}';
    const viaScanner = read(line, 'scanner');
    expect(viaScanner.scanned).toBe(true);
    expect(viaScanner.records).toEqual([
      {
        trace: '0000000000000000000000000000a001',
        span: '00000000000000b1',
        parent: null,
        request: true,
        occurrence: Math.floor(1_795_133_597 / 900),
        ordinal: 0,
        device: null,
        service: 'edge',
        region: 'us-east-1',
      },
    ]);
  });
});
