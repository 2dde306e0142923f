import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { OTLP_FIXTURE_CONFIG, OTLP_FIXTURE_DIR, otlpWorld, writeOtlpWorld } from '../../../fixtures/generate-otlp.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { unwrap } from '../../../src/errors.ts';
import { planEvacuation } from '../../../src/services/plan.ts';
import { precompute } from '../../../src/services/precompute.ts';
import { readManifest, writeDataDir } from '../../../src/sources/data-files.ts';
import { FilesSource } from '../../../src/sources/files-source.ts';
import { runCli } from '../../support/run-cli.ts';
import { roundedEntries } from '../../support/rounded-plan.ts';

const world = otlpWorld();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'evac-otlp-fixture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const configDir = path.join(OTLP_FIXTURE_DIR, 'config');
const dataDir = path.join(OTLP_FIXTURE_DIR, 'data');
/** After the end of the sample's history (2026-11-21T23:45Z), as planning at incident time is. */
const AT = Date.parse('2026-11-22T20:00:00Z') / 1000;
describe('the OTLP sample (fixtures/otlp)', () => {
  test('holds exactly what fixtures/generate-otlp.ts writes', () => {
    for (const [name, text] of Object.entries(OTLP_FIXTURE_CONFIG)) expect(readFileSync(path.join(configDir, name), 'utf8')).toBe(text);
    for (const [name, content] of Object.entries(world.data)) {
      const committed = readFileSync(path.join(dataDir, name));
      if (name.endsWith('.gz')) expect(gunzipSync(committed).toString('utf8')).toBe(`${world.spanLines[name]!.join('\n')}\n`);
      else expect(committed.toString('utf8')).toBe(content);
    }
  });

  test('is what the OpenTelemetry Collector file exporter writes: one ExportTraceServiceRequest per line, hex ids, nanosecond strings', () => {
    const line = JSON.parse(Object.values(world.spanLines)[0]![0]!);
    const span = line.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(typeof span.kind).toBe('number');
  });

  test('plans the same ratios, intervals and capacities as the equivalent trace-samples.csv, for every failed region', async () => {
    const csvWorld = writeOtlpWorld(path.join(tmp, 'csv'), world, { truth: true });
    const config = unwrap(loadConfig(configDir));
    for (const failedRegion of config.evacuation.regions) {
      for (const windowMinutes of [0, 180]) {
        const options = { config, failedRegion, at: AT, windowMinutes };
        const fromSpans = await planEvacuation({ ...options, source: new FilesSource(dataDir) });
        const fromCsv = await planEvacuation({ ...options, source: new FilesSource(csvWorld.dataDir) });
        expect(roundedEntries(fromSpans)).toEqual(roundedEntries(fromCsv));
        expect(fromSpans.services.length).toBe(1 * 3);
        expect(fromSpans.warnings).toEqual([
          'traces: 79 of 1928 traces have no device type (no rule in traces.deviceType matched): their 271 requests count as device "unknown" (catalog 168, playback-api 79, license-worker 24)',
        ]);
        expect(fromCsv.warnings).toEqual([]);
      }
    }
  });

  test('the columnar engine and the row reader plan the same from the spans', async () => {
    const config = unwrap(loadConfig(configDir));
    const options = { config, failedRegion: 'eu-west-1', at: AT, windowMinutes: 60 };
    const engine = await planEvacuation({ ...options, source: new FilesSource(dataDir, { reader: 'engine' }) });
    const rows = await planEvacuation({ ...options, source: new FilesSource(dataDir, { reader: 'rows' }) });
    expect(roundedEntries(engine)).toEqual(roundedEntries(rows));
    expect(engine.warnings).toEqual(rows.warnings);
  });

  test('evac precompute reads the spans once and persists the counts; plans from the result are the same, warnings included', async () => {
    const config = unwrap(loadConfig(configDir));
    const result = await precompute({ config, source: new FilesSource(dataDir), now: AT });
    const out = path.join(tmp, 'precomputed');
    writeDataDir(out, result.data, result.manifest, result.dayTypes);
    expect(unwrap(readManifest(out))?.warnings).toHaveLength(1);
    const options = { config, failedRegion: 'us-east-1', at: AT + 3600, windowMinutes: 60 };
    const fromSpans = await planEvacuation({ ...options, source: new FilesSource(dataDir) });
    const fromPrecomputed = await planEvacuation({ ...options, source: new FilesSource(out) });
    expect(roundedEntries(fromPrecomputed)).toEqual(roundedEntries(fromSpans));
    expect(fromPrecomputed.warnings).toEqual(fromSpans.warnings);
  });

  test('evac plan prints the trace report on stderr and the warning in the plan', async () => {
    const run = await runCli(['plan', '--config', configDir, '--data', dataDir, '--failed', 'us-east-1', '--at', '2026-11-21T20:00:00Z', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('traces: 12734 spans in 4 files, 1928 traces, 6367 requests counted (SERVER and CONSUMER spans)\n');
    expect(run.stderr).toContain('warning: traces: 79 of 1928 traces have no device type');
    expect(JSON.parse(run.stdout).warnings).toHaveLength(1);
  });

  test('evac plan reads the same spans in OTLP protobuf (the Collector file exporter with format: proto) to the same plan and report', async () => {
    const proto = writeOtlpWorld(path.join(tmp, 'proto'), world, { proto: true });
    const args = ['plan', '--config', configDir, '--failed', 'us-east-1', '--at', '2026-11-21T20:00:00Z', '--format', 'json'];
    const fromJson = await runCli([...args, '--data', dataDir]);
    const fromProto = await runCli([...args, '--data', proto.dataDir]);
    expect(fromProto.code).toBe(0);
    expect(fromProto.stderr.replaceAll(proto.dataDir, dataDir)).toBe(fromJson.stderr);
    const plan = (run: { stdout: string }) => ({ ...JSON.parse(run.stdout), source: '' });
    expect(plan(fromProto)).toEqual(plan(fromJson));
  });

  test('refuses a data directory with both trace-samples.csv and traces/ (exit 2)', async () => {
    const both = writeOtlpWorld(path.join(tmp, 'both'), world);
    writeFileSync(path.join(both.dataDir, 'trace-samples.csv'), world.truthCsv);
    const run = await runCli(['plan', '--config', both.configDir, '--data', both.dataDir, '--failed', 'us-east-1', '--at', '2026-11-21T20:00:00Z']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/both .*trace-samples\.csv and OTLP span files in .*traces\/: expected one source of trace counts/);
  });

  test('evac validate reads the spans of a data directory and lists the trace report as warnings', async () => {
    const run = await runCli(['validate', '--config', configDir, '--data', dataDir]);
    expect(run.code).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('have no device type');
  });
});
