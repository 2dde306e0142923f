import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, test } from 'vitest';
import { TracesConfigSchema } from '../../../src/config/evacuation-config.ts';
import { formatIssue } from '../../../src/errors.ts';
import { pickAttributes } from '../../../src/sources/otlp/otlp-attributes.ts';
import { protoFrames } from '../../../src/sources/otlp/proto-frames.ts';
import { decodeTraceRequest } from '../../../src/sources/otlp/proto-request.ts';
import { readOtlpTraces } from '../../../src/sources/otlp/read-otlp.ts';
import { otlpLine, otlpProtoFile, SdkSpans, SpanKind, writeOtlpDir } from '../../support/otlp-spans.ts';

const traces = TracesConfigSchema.parse({ deviceType: { attribute: 'app.device.type', userAgent: [{ match: '(?i)iphone', device: 'ios' }] } });
const AT = Date.UTC(2026, 10, 20, 10, 7);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function read(files: Record<string, readonly string[] | Buffer>) {
  const dir = writeOtlpDir(files);
  dirs.push(dir);
  return readOtlpTraces({ path: dir, traces, regions: new Set(['us-east-1', 'eu-west-1']), bucketMinutes: 15 });
}

/**
 * Spans of every kind the rules tell apart, made by the official SDK: device types from a span
 * attribute and from a user agent, an unknown device, a broken trace (its parent in no file),
 * a duplicate span, two regions, several buckets; split in requests of a few spans.
 */
function mixedSpans(): ReadableSpan[][] {
  const sdk = new SdkSpans();
  for (let i = 0; i < 40; i++) {
    const at = AT + i * 97_000;
    const region = i % 3 === 0 ? 'eu-west-1' : 'us-east-1';
    const root =
      i % 4 === 0
        ? sdk.span('edge', { at, region, attributes: { 'user_agent.original': 'App (iPhone; iOS 17)' } })
        : sdk.span('edge', { at, region, attributes: i % 4 === 1 ? { 'app.device.type': 'tv' } : {} });
    const client = sdk.span('edge', { at, region, parent: root, kind: SpanKind.CLIENT });
    const api = sdk.span('api', { at: at + 3, region, parent: client });
    sdk.span('api', { at, region, parent: api, kind: SpanKind.INTERNAL });
    const producer = sdk.span('api', { at, region, parent: api, kind: SpanKind.PRODUCER });
    sdk.span('worker', { at, region, parent: producer, kind: SpanKind.CONSUMER, attributes: { 'app.device.type': 'web' } });
  }
  const spans = sdk.take();
  // A broken trace: a child whose parent is in no file.
  const orphanParent = sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
  sdk.span('api', { at: AT, parent: orphanParent });
  const orphan = sdk.take().slice(1);
  const all = [...spans, ...orphan, spans[7] as ReadableSpan]; // and a duplicate span
  const requests: ReadableSpan[][] = [];
  for (let i = 0; i < all.length; i += 11) requests.push(all.slice(i, i + 11));
  return requests;
}

describe('decoding a protobuf ExportTraceServiceRequest', () => {
  test('gives what OTLP/JSON gives for the same spans: ids, kind, start time, and attributes of every scalar type', () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv', 'http.status_code': 200, ratio: 0.25, big: 2 ** 53 + 2, cached: true } });
    sdk.span('api', { at: AT + 1, parent: root, kind: SpanKind.CONSUMER, attributes: { negative: -3 } });
    const spans = sdk.take();
    const proto = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
    const decoded = decodeTraceRequest(Buffer.from(proto), 0, proto.length);
    const json = JSON.parse(otlpLine(spans));
    const keys = ['app.device.type', 'http.status_code', 'ratio', 'big', 'cached', 'negative', 'service.name', 'cloud.region'];
    const view = (request: { resourceSpans: unknown[] }) =>
      (request.resourceSpans as { resource: { attributes: unknown }; scopeSpans: { spans: Record<string, unknown>[] }[] }[]).flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((span) => ({
            ids: [span.traceId, span.spanId, span.parentSpanId ?? ''],
            kind: span.kind,
            start: span.startTimeUnixNano,
            attributes: pickAttributes(span.attributes, keys),
            resource: pickAttributes(rs.resource.attributes, keys),
          })),
        ),
      );
    expect(view(decoded)).toStrictEqual(view(json));
    expect(view(decoded)[0]?.attributes).toEqual(['tv', '200', '0.25', String(2 ** 53 + 2), 'true', undefined, undefined, undefined]);
  });
});

describe('the frames of a protobuf file', () => {
  test('a message longer than the read buffer comes whole, between its neighbours, plain or gzipped', async () => {
    const frame = (size: number, fill: number) => {
      const b = Buffer.alloc(4 + size, fill);
      b.writeUInt32BE(size);
      return b;
    };
    const bytes = Buffer.concat([frame(10, 1), frame(9 * 2 ** 20 + 3, 2), frame(0, 3), frame(7, 4)]);
    for (const name of ['f.binpb', 'f.binpb.gz']) {
      const dir = writeOtlpDir({ [name]: bytes });
      dirs.push(dir);
      const frames: { ordinal: number; offset: number; size: number; first: number | undefined }[] = [];
      for await (const f of protoFrames(path.join(dir, name))) {
        if ('problem' in f) throw new Error(f.problem);
        frames.push({ ordinal: f.ordinal, offset: f.offset, size: f.bytes.length, first: f.bytes[0] });
      }
      expect(frames).toEqual([
        { ordinal: 1, offset: 0, size: 10, first: 1 },
        { ordinal: 2, offset: 14, size: 9 * 2 ** 20 + 3, first: 2 },
        { ordinal: 3, offset: 14 + 4 + 9 * 2 ** 20 + 3, size: 0, first: undefined },
        { ordinal: 4, offset: 14 + 4 + 9 * 2 ** 20 + 3 + 4, size: 7, first: 4 },
      ]);
    }
  });
});

describe('OTLP protobuf files (the Collector file exporter with format: proto)', () => {
  test('give the same counts and report as the same requests in OTLP/JSON, plain or gzipped', async () => {
    const requests = mixedSpans();
    const json = await read({ 'spans.jsonl': requests.map(otlpLine) });
    expect(json.ok).toBe(true);
    if (!json.ok) return;
    expect(json.data.report).toMatchObject({ duplicateSpans: 1, broken: { traces: 1 } });
    expect(json.data.samples.some((s) => s.device === 'unknown')).toBe(true);
    for (const name of ['spans.binpb', 'spans.pb.gz']) {
      const proto = await read({ [name]: otlpProtoFile(requests) });
      if (!proto.ok) throw new Error(proto.issues.map(formatIssue).join('\n'));
      expect(proto.data.samples).toStrictEqual(json.data.samples);
      expect(proto.data.report).toStrictEqual(json.data.report);
    }
  });

  test('mixes with OTLP/JSON files in one directory: a trace split across the two is one trace', async () => {
    const requests = mixedSpans();
    const half = Math.floor(requests.length / 2);
    const mixed = await read({ 'a.binpb': otlpProtoFile(requests.slice(0, half)), 'b.jsonl': requests.slice(half).map(otlpLine) });
    const json = await read({ 'a.jsonl': requests.map(otlpLine) });
    expect(mixed.ok && json.ok).toBe(true);
    if (mixed.ok && json.ok) expect(mixed.data.samples).toStrictEqual(json.data.samples);
  });

  test('a file cut off inside a message is exit-2 input naming the message and its byte', async () => {
    const bytes = otlpProtoFile(mixedSpans());
    const result = await read({ 'cut.binpb': bytes.subarray(0, bytes.length - 10) });
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.issues.map(formatIssue);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/cut\.binpb: message \d+ \(byte \d+\) \(framing\): cut off at the end of the file \(\d+ bytes announced, \d+ there\)/);
  });

  test('a .binpb.gz that is not gzip is a read error naming the file, not an empty input', async () => {
    const dir = writeOtlpDir({});
    dirs.push(dir);
    writeFileSync(path.join(dir, 'spans.binpb.gz'), otlpProtoFile(mixedSpans()));
    const result = await readOtlpTraces({ path: dir, traces, regions: new Set(['us-east-1', 'eu-west-1']), bucketMinutes: 15 });
    const messages = result.ok ? [] : result.issues.map(formatIssue);
    expect(messages).toEqual([expect.stringMatching(/spans\.binpb\.gz: cannot read: .*header/)]);
  });

  test('OTLP/JSON named .binpb is refused for its framing, not read as garbage', async () => {
    const result = await read({ 'spans.binpb': Buffer.from(`${otlpLine(mixedSpans()[0] ?? [])}\n`) });
    const messages = result.ok ? [] : result.issues.map(formatIssue);
    expect(messages).toEqual([
      expect.stringMatching(
        /spans\.binpb: message 1 \(byte 0\) \(framing\): a length of \d+ bytes, over 268435456: expected each ExportTraceServiceRequest preceded by its length/,
      ),
    ]);
  });

  test('a message that is not protobuf names the message and what is wrong; the other messages are still checked', async () => {
    const good = otlpProtoFile(mixedSpans().slice(0, 1));
    // resourceSpans (field 1) with wire type 0 instead of 2 (a length-delimited message).
    const wrongType = Buffer.from([0, 0, 0, 2, 0x08, 0x01]);
    // An unknown field 15 with wire type 3 (a group: obsolete, not in OTLP).
    const group = Buffer.from([0, 0, 0, 2, 0x7b, 0x00]);
    // A span whose length is declared longer than its message.
    const cut = Buffer.from([0, 0, 0, 6, 0x0a, 0x04, 0x12, 0x02, 0x12, 0x05]);
    const result = await read({ 'x.binpb': Buffer.concat([good, wrongType, group, cut]) });
    const messages = result.ok ? [] : result.issues.map(formatIssue);
    expect(messages).toEqual([
      expect.stringMatching(
        /x\.binpb: message 2 \(byte \d+\) \(protobuf\): resourceSpans: wire type 0, expected 2 \(not the OTLP schema\): expected an OTLP ExportTraceServiceRequest$/,
      ),
      expect.stringMatching(/x\.binpb: message 3 \(byte \d+\) \(protobuf\): wire type 3 \(at byte 1\): not one OTLP uses/),
      expect.stringMatching(
        /x\.binpb: message 4 \(byte \d+\) \(protobuf\): span: 5 bytes announced, 0 left in its message: expected an OTLP ExportTraceServiceRequest$/,
      ),
    ]);
  });

  test('a span without ids is named by its field path inside the message, as in OTLP/JSON', async () => {
    // resourceSpans { scopeSpans { spans { kind: SERVER } } }: no traceId, no spanId.
    const span = Buffer.from([0x30, 0x02]);
    const scope = Buffer.concat([Buffer.from([0x12, span.length]), span]);
    const resource = Buffer.concat([Buffer.from([0x12, scope.length]), scope]);
    const request = Buffer.concat([Buffer.from([0x0a, resource.length]), resource]);
    const result = await read({ 'ids.pb': Buffer.concat([Buffer.from([0, 0, 0, request.length]), request]) });
    const messages = result.ok ? [] : result.issues.map(formatIssue);
    expect(messages).toEqual([expect.stringMatching(/ids\.pb: message 1 \(byte 0\) resourceSpans\.0\.scopeSpans\.0\.spans\.0: expected traceId and spanId/)]);
  });
});
