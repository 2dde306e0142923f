import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AutoScalingScaler } from '../../src/aws/aas-scaler.ts';
import { AwsClients, type EndpointOverrides } from '../../src/aws/clients.ts';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.ts';
import { planUnits, resolveScope } from '../../src/config/resolve-scope.ts';
import { unwrap } from '../../src/errors.ts';
import { CloudWatchSource } from '../../src/sources/cloudwatch-source.ts';
import type { LoadRequest } from '../../src/sources/data-source.ts';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { freePort, type MotoServer, startMoto, TEST_CREDENTIALS } from '../support/moto-server.ts';
import { seedMotoFromData } from '../support/seed-moto.ts';
import { otlpLine, SdkSpans, SpanKind, writeOtlpDir } from '../support/otlp-spans.ts';
import { AT, CAPACITY, writeSmallDataset } from '../support/small-dataset.ts';

const CONFIG_DIR = path.join(import.meta.dirname, 'fixtures/config');
const FAILED = 'us-west-2';
const HEALTHY = ['us-east-1', 'eu-west-1'];

let moto: MotoServer;
let proxy: FaultProxy;
let dataDir: string;
let config: LoadedConfig;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy({ target: moto.url });
  dataDir = writeSmallDataset(mkdtempSync(path.join(tmpdir(), 'evac-cw-')));
  config = unwrap(loadConfig(CONFIG_DIR));
  await seedMotoFromData({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, at: AT });
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function request(): LoadRequest {
  const scopes = config.services.flatMap((s) => planUnits(s.config).flatMap((unit) => HEALTHY.map((r) => resolveScope(s.config, unit, r))));
  return { config, scopes, from: AT - 2 * 86_400, to: AT };
}

function source(endpoints: EndpointOverrides, extra: { regionTimeoutMs?: number; maxAttempts?: number } = {}) {
  const clients = new AwsClients({ endpoints, credentials: TEST_CREDENTIALS, maxAttempts: extra.maxAttempts ?? 3, callTimeoutMs: 5000 });
  const cw = new CloudWatchSource({
    clients,
    scaler: new AutoScalingScaler({ clients }),
    tracesFile: path.join(dataDir, 'trace-samples.csv'),
    now: () => AT,
    ...(extra.regionTimeoutMs === undefined ? {} : { regionTimeoutMs: extra.regionTimeoutMs }),
  });
  return { clients, cw };
}

describe('CloudWatchSource', () => {
  test('reads traffic, demand, capacity and Min/Max with one GetMetricData per region and kind, not one per service', async () => {
    const { clients, cw } = source({ all: moto.url, byRegion: {} });
    const result = await cw.load(request());
    clients.destroy();

    expect(result.unreachable).toEqual([]);
    // 3 regions x 3 devices x 48 hours
    expect(result.data.traffic).toHaveLength(3 * 3 * 48);
    expect([...result.data.traffic].filter((s) => s.region === FAILED && s.device === 'ios')).toHaveLength(48);
    // 4 services x 2 healthy regions x 48 hours (the metric-math one included)
    expect(result.data.demand).toHaveLength(4 * 2 * 48);
    expect(new Set([...result.data.demand].map((d) => d.service))).toEqual(new Set(['drm-fairplay', 'playback-authz', 'catalog', 'telemetry']));
    expect(result.data.traces.length).toBeGreaterThan(0);
    // Capacity is observed when it is read (now): plans for other hours rescale it (capacity-rescaled).
    const capacity = [...result.data.capacity].sort((a, b) => a.region.localeCompare(b.region) || a.service.localeCompare(b.service));
    expect(capacity).toEqual(
      HEALTHY.slice()
        .sort()
        .flatMap((region) =>
          Object.entries(CAPACITY)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([service, c]) => ({ region, service, current: c.current, min: c.min, max: c.max, observedAt: AT })),
        ),
    );
    // traffic+demand: 1 per region (3); capacity: 1 per healthy region (2); Min/Max: 1 per healthy region.
    expect(result.apiCalls).toEqual({ DescribeScalableTargets: 2, GetMetricData: 5 });
  });

  test('gives the time of each point as the start of its period, in epoch seconds', async () => {
    const { clients, cw } = source({ all: moto.url, byRegion: {} });
    const result = await cw.load(request());
    clients.destroy();
    const times = [...result.data.traffic].filter((s) => s.region === 'us-east-1' && s.device === 'tv').map((s) => s.t);
    expect(times[0]).toBe(AT - 48 * 3600);
    expect(times.at(-1)).toBe(AT - 3600);
    expect(times.every((t) => t % 3600 === 0)).toBe(true);
  });

  test('a region whose endpoint is down is reported unreachable and the others are read', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { clients, cw } = source({ all: moto.url, byRegion: { [FAILED]: closed } }, { maxAttempts: 2 });
    const started = Date.now();
    const result = await cw.load(request());
    clients.destroy();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.unreachable).toEqual([{ region: FAILED, reason: expect.stringMatching(/ECONNREFUSED/) }]);
    expect(new Set([...result.data.traffic].map((s) => s.region))).toEqual(new Set(HEALTHY));
    expect(result.data.capacity).toHaveLength(6);
  });

  test('a region that does not answer within the region timeout is reported, and nothing hangs', async () => {
    proxy.setRules([{ fault: 'hang' }]);
    const { clients, cw } = source({ all: moto.url, byRegion: { 'eu-west-1': proxy.url } }, { regionTimeoutMs: 1500 });
    const started = Date.now();
    const result = await cw.load(request());
    clients.destroy();
    proxy.setRules([]);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.unreachable).toEqual([{ region: 'eu-west-1', reason: 'no answer within 1500 ms' }]);
    expect(result.data.capacity.map((c) => c.region)).toEqual(['us-east-1', 'us-east-1', 'us-east-1']);
  });

  test('throttled and failing GetMetricData calls are retried and the data is complete', async () => {
    proxy.setRules([
      { api: 'GetMetricData', fault: 'throttle', from: 1, to: 1 },
      { api: 'GetMetricData', fault: 503, from: 1, to: 1 },
      { api: 'DescribeScalableTargets', fault: 429, from: 1, to: 1 },
    ]);
    proxy.resetCounts();
    const { clients, cw } = source({ all: proxy.url, byRegion: {} }, { maxAttempts: 4 });
    const result = await cw.load(request());
    proxy.setRules([]);
    expect(result.unreachable).toEqual([]);
    expect(result.data.traffic).toHaveLength(3 * 3 * 48);
    expect(result.data.capacity).toHaveLength(6);
    expect(result.apiCalls).toEqual({ DescribeScalableTargets: 2, GetMetricData: 5 });
    expect(clients.calls.attempts()).toEqual({ DescribeScalableTargets: 3, GetMetricData: 7 });
    expect(proxy.injected()).toEqual({ DescribeScalableTargets: 1, GetMetricData: 2 });
    clients.destroy();
  });

  test('a target that is not registered has no capacity record (the plan flags it capacity-unknown)', async () => {
    const { clients, cw } = source({ all: moto.url, byRegion: {} });
    const req = request();
    const scopes = req.scopes.map((s) =>
      s.name === 'catalog' && s.scalableTarget ? { ...s, scalableTarget: { ...s.scalableTarget, resourceId: 'service/prod-x/none' } } : s,
    );
    const result = await cw.load({ ...req, scopes });
    clients.destroy();
    expect(result.data.capacity.map((c) => c.service).sort()).toEqual(['drm-fairplay', 'drm-fairplay', 'playback-authz', 'playback-authz']);
  });

  test('--traces DIR of OTLP spans: counts the spans, reports them, and warns about traces with no device type', async () => {
    const sdk = new SdkSpans();
    const root = sdk.span('catalog', { at: AT * 1000 - 3_600_000, attributes: { 'user_agent.original': 'curl/8.5.0' } });
    sdk.span('catalog', { at: AT * 1000 - 3_600_000, parent: root, kind: SpanKind.CLIENT });
    const otlpDir = writeOtlpDir({ 'spans.jsonl.gz': [otlpLine(sdk.take())] });
    const reported: string[] = [];
    const clients = new AwsClients({ endpoints: { all: moto.url, byRegion: {} }, credentials: TEST_CREDENTIALS, maxAttempts: 3, callTimeoutMs: 5000 });
    const cw = new CloudWatchSource({
      clients,
      scaler: new AutoScalingScaler({ clients }),
      tracesFile: otlpDir,
      onTraceReport: (l) => reported.push(...l),
      now: () => AT,
    });
    const result = await cw.load(request());
    clients.destroy();
    rmSync(otlpDir, { recursive: true, force: true });
    expect(result.data.traces).toEqual([{ t: AT - 3600 - ((AT - 3600) % 3600), region: 'us-east-1', service: 'catalog', device: 'unknown', count: 1 }]);
    expect(reported[0]).toBe('traces: 2 spans in 1 file, 1 traces, 1 requests counted (SERVER and CONSUMER spans)');
    expect(result.warnings).toEqual([
      'traces: 1 of 1 traces have no device type (no rule in traces.deviceType matched): their 1 requests count as device "unknown" (catalog 1)',
    ]);
  });
});
