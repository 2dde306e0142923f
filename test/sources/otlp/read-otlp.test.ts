import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { TracesConfigSchema } from '../../../src/config/evacuation-config.ts';
import { formatIssue } from '../../../src/errors.ts';
import { readOtlpTraces } from '../../../src/sources/otlp/read-otlp.ts';
import { traceReportLines, traceReportWarnings } from '../../../src/sources/otlp/trace-report.ts';
import { writeOtlpBench } from '../../../bench/otlp-spans.ts';
import { otlpLine, SdkSpans, SpanKind, writeOtlpDir } from '../../support/otlp-spans.ts';

const traces = TracesConfigSchema.parse({ deviceType: { attribute: 'app.device.type', userAgent: [{ match: '(?i)iphone', device: 'ios' }] } });
const AT = Date.UTC(2026, 10, 20, 10, 7); // in the 10:00 bucket (15 minutes)
const BUCKET_START = Date.UTC(2026, 10, 20, 10, 0) / 1000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function read(files: Record<string, readonly string[]>, file?: string) {
  const dir = writeOtlpDir(files);
  dirs.push(dir);
  const result = await readOtlpTraces({
    path: file === undefined ? dir : path.join(dir, file),
    traces,
    regions: new Set(['us-east-1', 'eu-west-1']),
    bucketMinutes: 15,
  });
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.data;
}

describe('readOtlpTraces', () => {
  test('counts SERVER and CONSUMER spans per service under the device type of the root span', async () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { at: AT, attributes: { 'user_agent.original': 'App (iPhone; iOS 17)' } });
    const client = sdk.span('edge', { at: AT, parent: root, kind: SpanKind.CLIENT });
    const api = sdk.span('api', { at: AT + 1000, parent: client });
    sdk.span('api', { at: AT, parent: api, kind: SpanKind.INTERNAL });
    const producer = sdk.span('api', { at: AT, parent: api, kind: SpanKind.PRODUCER });
    sdk.span('worker', { at: AT, parent: producer, kind: SpanKind.CONSUMER });
    const { samples, report } = await read({ 'a.jsonl': [otlpLine(sdk.take())] });
    expect(samples).toEqual([
      { t: BUCKET_START, region: 'us-east-1', service: 'api', device: 'ios', count: 1 },
      { t: BUCKET_START, region: 'us-east-1', service: 'edge', device: 'ios', count: 1 },
      { t: BUCKET_START, region: 'us-east-1', service: 'worker', device: 'ios', count: 1 },
    ]);
    expect(report).toMatchObject({ files: 1, spans: 6, traces: 1, requests: 3, duplicateSpans: 0, broken: { traces: 0 } });
    expect(traceReportWarnings(report)).toEqual([]);
  });

  test('sums the requests of one service, region, device and bucket occurrence into one sample', async () => {
    const sdk = new SdkSpans();
    for (let i = 0; i < 3; i++) sdk.span('edge', { at: AT + i * 60_000, attributes: { 'app.device.type': 'tv' } });
    sdk.span('edge', { at: AT + 24 * 3_600_000, attributes: { 'app.device.type': 'tv' } });
    const { samples } = await read({ 'a.jsonl': [otlpLine(sdk.take())] });
    expect(samples).toEqual([
      { t: BUCKET_START, region: 'us-east-1', service: 'edge', device: 'tv', count: 3 },
      { t: BUCKET_START + 86_400, region: 'us-east-1', service: 'edge', device: 'tv', count: 1 },
    ]);
  });

  test('orders samples by time, region, service and device, however far apart the times (decades: counted per occurrence)', async () => {
    const sdk = new SdkSpans();
    const longAgo = Date.UTC(1996, 0, 1, 10, 7);
    sdk.span('edge', { at: AT, region: 'eu-west-1', attributes: { 'app.device.type': 'web' } });
    sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'web' } });
    sdk.span('api', { at: AT, attributes: { 'app.device.type': 'web' } });
    sdk.span('api', { at: AT, attributes: { 'app.device.type': 'tv' } });
    sdk.span('edge', { at: longAgo, attributes: { 'app.device.type': 'tv' } });
    const { samples } = await read({ 'a.jsonl': [otlpLine(sdk.take())] });
    expect(samples.map((s) => [s.t, s.region, s.service, s.device, s.count])).toEqual([
      [Date.UTC(1996, 0, 1, 10, 0) / 1000, 'us-east-1', 'edge', 'tv', 1],
      [BUCKET_START, 'eu-west-1', 'edge', 'web', 1],
      [BUCKET_START, 'us-east-1', 'api', 'tv', 1],
      [BUCKET_START, 'us-east-1', 'api', 'web', 1],
      [BUCKET_START, 'us-east-1', 'edge', 'web', 1],
    ]);
  });

  test('keeps apart service names that sort as equal (the same text in two Unicode forms), ordered by their code units', async () => {
    const sdk = new SdkSpans();
    sdk.span('cafe\u0301', { at: AT, attributes: { 'app.device.type': 'tv' } });
    sdk.span('caf\u00e9', { at: AT, attributes: { 'app.device.type': 'tv' } });
    sdk.span('caf\u00e9', { at: AT, attributes: { 'app.device.type': 'tv' } });
    const { samples } = await read({ 'a.jsonl': [otlpLine(sdk.take())] });
    expect(samples.map((s) => [s.service, s.count])).toEqual([
      ['cafe\u0301', 1],
      ['caf\u00e9', 2],
    ]);
  });

  test("prefers the root span's device type over another span's, and falls back to any span's", async () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
    sdk.span('api', { at: AT, parent: root, attributes: { 'app.device.type': 'web' } });
    const root2 = sdk.span('edge', { at: AT });
    sdk.span('api', { at: AT, parent: root2, attributes: { 'app.device.type': 'android' } });
    // The child comes first in the file: the root's device type still wins.
    const spans = sdk.take();
    const { samples } = await read({ 'a.jsonl': [otlpLine(spans.slice(1, 2)), otlpLine([spans[0]!, ...spans.slice(2)])] });
    expect(samples.map((s) => `${s.service}:${s.device}:${s.count}`)).toEqual(['api:android:1', 'api:tv:1', 'edge:android:1', 'edge:tv:1']);
  });

  test('counts traces with no device type under unknown and reports them, by service', async () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { at: AT, attributes: { 'user_agent.original': 'curl/8.5.0' } });
    sdk.span('api', { at: AT, parent: root });
    sdk.span('api', { at: AT, parent: root });
    const { samples, report } = await read({ 'a.jsonl': [otlpLine(sdk.take())] });
    expect(samples.map((s) => `${s.service}:${s.device}:${s.count}`)).toEqual(['api:unknown:2', 'edge:unknown:1']);
    expect(report.unknownDevice).toEqual({ traces: 1, requests: 3, byService: { api: 2, edge: 1 } });
    expect(traceReportWarnings(report)).toEqual([
      'traces: 1 of 1 traces have no device type (no rule in traces.deviceType matched): their 3 requests count as device "unknown" (api 2, edge 1)',
    ]);
  });

  test('counts a duplicate span (the same line exported twice) once, and reports it', async () => {
    const sdk = new SdkSpans();
    sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
    const line = otlpLine(sdk.take());
    const { samples, report } = await read({ 'a.jsonl': [line, line] });
    expect(samples).toEqual([{ t: BUCKET_START, region: 'us-east-1', service: 'edge', device: 'tv', count: 1 }]);
    expect(report.duplicateSpans).toBe(1);
    expect(traceReportWarnings(report)).toEqual(['traces: 1 duplicate spans (same trace and span id seen again): counted once']);
  });

  test('counts a broken trace (a parent missing, no root) and reports it', async () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
    sdk.span('api', { at: AT, parent: root, attributes: { 'app.device.type': 'web' } });
    const spans = sdk.take();
    const { samples, report } = await read({ 'a.jsonl': [otlpLine(spans.slice(1))] });
    expect(samples).toEqual([{ t: BUCKET_START, region: 'us-east-1', service: 'api', device: 'web', count: 1 }]);
    expect(report.broken).toEqual({ traces: 1, orphanSpans: 1, noRoot: 1 });
    expect(traceReportWarnings(report)[0]).toMatch(/^traces: 1 broken traces \(1 spans whose parent is missing, 1 traces without a root span\)/);
  });

  test('assembles a trace split across files (gzipped or not) before counting, and says so', async () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
    sdk.span('api', { at: AT, parent: root });
    const [rootSpan, child] = sdk.take();
    const { samples, report } = await read({ 'a.jsonl': [otlpLine([child!])], 'b.json.gz': [otlpLine([rootSpan!])] });
    expect(samples.map((s) => `${s.service}:${s.device}`)).toEqual(['api:tv', 'edge:tv']);
    expect(report).toMatchObject({ files: 2, splitAcrossFiles: 1, broken: { traces: 0 } });
    expect(traceReportLines(report)).toContain('traces: 1 traces are split across files: assembled whole before counting');
  });

  test('reports requests of regions not in evacuation.yaml, or with no region, instead of counting them', async () => {
    const sdk = new SdkSpans();
    sdk.span('edge', { at: AT, region: 'ap-south-1', attributes: { 'app.device.type': 'tv' } });
    const { samples, report } = await read({ 'a.jsonl': [otlpLine(sdk.take())] });
    expect(samples).toEqual([]);
    expect(report.otherRegions).toEqual({ 'ap-south-1': 1 });
    expect(traceReportWarnings(report)).toEqual(['traces: spans from regions not in evacuation.yaml not counted (ap-south-1 1)']);
  });

  test('reads one file named directly, and skips files that are not OTLP in a directory', async () => {
    const sdk = new SdkSpans();
    sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
    const line = otlpLine(sdk.take());
    const { report } = await read({ 'a.jsonl': [line], 'notes.txt': ['not spans'] });
    expect(report.files).toBe(1);
    expect((await read({ 'a.jsonl': [line] }, 'a.jsonl')).report.spans).toBe(1);
  });

  test('rejects a line that is not an OTLP request, naming the file, line and field', async () => {
    const dir = writeOtlpDir({});
    dirs.push(dir);
    writeFileSync(path.join(dir, 'a.jsonl'), '{"resourceSpans": []}\n{"resourceSpans": [\n{"spans": []}\n');
    const result = await readOtlpTraces({ path: dir, traces, regions: new Set(['us-east-1']), bucketMinutes: 15 });
    expect(result.ok).toBe(false);
    const issues = !result.ok ? result.issues.map((i) => formatIssue(i).replace(dir, 'DIR')) : [];
    expect(issues[0]).toMatch(/^DIR\/a\.jsonl:2: \(line\): not JSON/);
    expect(issues[1]).toBe('DIR/a.jsonl:3: resourceSpans: missing: expected an OTLP ExportTraceServiceRequest ({"resourceSpans": [...]}) per line');
  });

  test('rejects a span without ids or with a bad start time, naming its field', async () => {
    const dir = writeOtlpDir({
      'a.jsonl': [
        JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [{ spanId: 'ab', startTimeUnixNano: '1' }] }] }] }),
        JSON.stringify({
          resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [{ traceId: 'a', spanId: 'b', startTimeUnixNano: '2026-11-20' }] }] }],
        }),
      ],
    });
    dirs.push(dir);
    const result = await readOtlpTraces({ path: dir, traces, regions: new Set(['us-east-1']), bucketMinutes: 15 });
    const issues = !result.ok ? result.issues.map((i) => formatIssue(i).replace(dir, 'DIR')) : [];
    expect(issues).toEqual([
      'DIR/a.jsonl:1: resourceSpans.0.scopeSpans.0.spans.0: expected traceId and spanId as non-empty strings (hex), parentSpanId a string or absent',
      'DIR/a.jsonl:2: resourceSpans.0.scopeSpans.0.spans.0.startTimeUnixNano: "2026-11-20": expected nanoseconds since the epoch, as a string of digits',
    ]);
  });

  test('reads empty files as no spans (the plan then flags every entry no-traces)', async () => {
    const { samples, report } = await read({ 'a.jsonl': [''], 'b.jsonl.gz': [] });
    expect(samples).toEqual([]);
    expect(report).toMatchObject({ files: 2, spans: 0, traces: 0, requests: 0 });
  });

  test('rejects a span file that is a dangling link, naming it', async () => {
    const dir = writeOtlpDir({});
    dirs.push(dir);
    symlinkSync(path.join(dir, 'gone.jsonl'), path.join(dir, 'spans.jsonl'));
    const result = await readOtlpTraces({ path: dir, traces, regions: new Set(['us-east-1']), bucketMinutes: 15 });
    expect(!result.ok && formatIssue(result.issues[0]!).replace(dir, 'DIR')).toMatch(/^DIR\/spans\.jsonl: dangling symbolic link/);
  });

  test('gives the same samples and report in one thread and with worker threads', async () => {
    const sdk = new SdkSpans();
    const root = sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
    sdk.span('api', { at: AT, parent: root });
    sdk.span('edge', { at: AT, region: 'ap-south-1', attributes: { 'app.device.type': 'web' } });
    const [rootSpan, child, other] = sdk.take();
    // A trace split across files (its child in the first file read), a duplicate line, a region not in evacuation.yaml.
    const dir = writeOtlpDir({ 'a.jsonl': [otlpLine([child!])], 'z.jsonl.gz': [otlpLine([rootSpan!, other!]), otlpLine([other!])] });
    dirs.push(dir);
    await writeOtlpBench({ dir, spans: 30_000, files: 3, from: AT / 1000, days: 2, seed: 3 });
    await writeOtlpBench({ dir: path.join(dir), spans: 5_000, files: 1, from: AT / 1000, days: 1, seed: 4, gzip: true });
    const options = { path: dir, traces, regions: new Set(['us-east-1', 'eu-west-1']), bucketMinutes: 15 };
    const single = await readOtlpTraces({ ...options, threads: 0 });
    const workers = await readOtlpTraces({ ...options, threads: 2 });
    // Every plain file cut in two byte ranges, read by two threads.
    const ranges = await readOtlpTraces({ ...options, threads: 2, rangesFromBytes: 1 });
    expect(single.ok && workers.ok).toBe(true);
    expect(JSON.stringify(workers)).toBe(JSON.stringify(single));
    expect(JSON.stringify(ranges)).toBe(JSON.stringify(single));
    // Spans of other regions are reported as read (the duplicate too): they are not counted either way.
    expect(single.ok && single.data.report).toMatchObject({
      files: 6,
      splitAcrossFiles: 1,
      duplicateSpans: 1,
      otherRegions: { 'ap-south-1': 2, 'us-west-2': expect.any(Number) },
    });
  });

  test('names the same lines of a file read in byte ranges by worker threads as in one thread', async () => {
    const sdk = new SdkSpans();
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      sdk.span('edge', { at: AT, attributes: { 'app.device.type': 'tv' } });
      lines.push(otlpLine(sdk.take()));
    }
    lines.splice(3, 0, '{"resourceSpans": 1}');
    lines.push('', 'not json');
    const dir = writeOtlpDir({ 'a.jsonl': lines });
    dirs.push(dir);
    const options = { path: dir, traces, regions: new Set(['us-east-1']), bucketMinutes: 15 };
    const single = await readOtlpTraces({ ...options, threads: 0 });
    const ranges = await readOtlpTraces({ ...options, threads: 2, rangesFromBytes: 1 });
    const where = (r: typeof single) => (r.ok ? [] : r.issues.map((i) => `${i.line}: ${i.path}`));
    expect(where(single)).toEqual(['4: resourceSpans', '43: (line)']);
    expect(where(ranges)).toEqual(where(single));
  });

  test('rejects a directory with no OTLP files', async () => {
    const dir = writeOtlpDir({ 'notes.txt': ['x'] });
    dirs.push(dir);
    const result = await readOtlpTraces({ path: dir, traces, regions: new Set(['us-east-1']), bucketMinutes: 15 });
    expect(!result.ok && result.issues[0]?.message).toMatch(/^no OTLP files/);
  });
});
