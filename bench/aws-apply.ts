/**
 * Benchmark (not a test): AWS API calls and wall time to plan and apply ~1,000 scalable
 * targets in 3 healthy regions against moto, with RegisterScalableTarget calls made one at a
 * time (concurrency 1 per region) and concurrently. Prints a table.
 *
 *   npx tsx bench/aws-apply.ts [--services 334] [--concurrency 1,4,16] [--latency 0,20]
 *
 * `--latency MS` adds a round trip per call through the loopback fault proxy, as a real AWS
 * endpoint has; at 0 moto itself (one Python process) is the bottleneck.
 *
 * Needs moto (installed into .venv on first run, like the tests).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mapLimit } from '../src/async/map-limit.ts';
import { AutoScalingScaler } from '../src/aws/aas-scaler.ts';
import { AwsClients } from '../src/aws/clients.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { unwrap } from '../src/errors.ts';
import { renderTextTable } from '../src/report/text-table.ts';
import { applyPlan } from '../src/services/apply.ts';
import { planEvacuation } from '../src/services/plan.ts';
import { restoreSnapshot } from '../src/services/restore.ts';
import { CloudWatchSource } from '../src/sources/cloudwatch-source.ts';
import { startFaultProxy } from '../test/support/fault-proxy.ts';
import { startMoto, TEST_CREDENTIALS } from '../test/support/moto-server.ts';
import { putMetrics } from '../test/support/seed-moto.ts';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '334' },
    concurrency: { type: 'string', default: '1,4,16' },
    latency: { type: 'string', default: '0,20' },
  },
});
const LATENCIES = String(values.latency).split(',').map(Number);
const SERVICES = Number(values.services);
const CONCURRENCY = String(values.concurrency).split(',').map(Number);
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'sa-east-1'];
const FAILED = 'us-west-2';
const HEALTHY = REGIONS.filter((r) => r !== FAILED);
const DEVICES = ['tv', 'android', 'ios'];
const AT = Math.floor(Date.parse('2026-11-22T20:00:00Z') / 1000);

const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
const work = mkdtempSync(path.join(tmpdir(), 'evac-bench-'));

function writeConfig(dir: string): void {
  mkdirSync(path.join(dir, 'services'), { recursive: true });
  const steering = Object.fromEntries(REGIONS.map((f) => [f, Object.fromEntries(REGIONS.filter((r) => r !== f).map((r) => [r, 1 / (REGIONS.length - 1)]))]));
  writeFileSync(
    path.join(dir, 'evacuation.yaml'),
    JSON.stringify({
      regions: REGIONS,
      bucketMinutes: 60,
      lookbackDays: 1,
      steering,
      defaults: { headroom: 0.1, minTraceSamples: 10 },
      trafficMetric: {
        namespace: 'Evac/Traffic',
        name: 'StreamStarts',
        dimensions: { Region: '{region}' },
        deviceDimension: 'DeviceType',
        deviceTypes: DEVICES,
        stat: 'Sum',
        period: 3600,
      },
    }),
  );
  for (const [i, name] of names.entries()) {
    writeFileSync(
      path.join(dir, 'services', `${name}.yaml`),
      JSON.stringify({
        service: name,
        scalableTarget: {
          serviceNamespace: 'ecs',
          resourceId: `service/prod-{region}/${name}`,
          scalableDimension: 'ecs:service:DesiredCount',
          allowMaxIncrease: i % 2 === 0,
        },
      }),
    );
  }
}

function writeTraces(file: string): void {
  const rows = ['timestamp,region,service,device_type,count'];
  for (let h = 1; h <= 24; h++) {
    const t = new Date((AT - h * 3600) * 1000).toISOString();
    for (const region of REGIONS)
      for (const [i, name] of names.entries())
        for (const [d, device] of DEVICES.entries()) rows.push(`${t},${region},${name},${device},${5 + ((i + d * 7) % 20)}`);
  }
  writeFileSync(file, `${rows.join('\n')}\n`);
}

/** Fresh SDK clients against moto (or the proxy in front of it), each with its own call count. */
function testClients(endpoint: string): AwsClients {
  return new AwsClients({ endpoints: { all: endpoint, byRegion: {} }, credentials: TEST_CREDENTIALS });
}

async function seed(endpoint: string): Promise<void> {
  const clients = testClients(endpoint);
  for (const [r, region] of REGIONS.entries()) {
    const ecs = new ECSClient({
      region,
      endpoint,
      credentials: TEST_CREDENTIALS,
    });
    await ecs.send(new CreateClusterCommand({ clusterName: `prod-${region}` }));
    const metrics: Parameters<typeof putMetrics>[2][number][] = [];
    for (let h = 1; h <= 24; h++) {
      for (const [d, device] of DEVICES.entries()) {
        const value = 100 * (1 + r) * (1 + d) * (1 + 0.5 * Math.sin((2 * Math.PI * h) / 24));
        metrics.push({
          namespace: 'Evac/Traffic',
          datum: {
            MetricName: 'StreamStarts',
            Dimensions: [
              { Name: 'Region', Value: region },
              { Name: 'DeviceType', Value: device },
            ],
            Timestamp: new Date((AT - h * 3600) * 1000),
            Value: value,
          },
        });
      }
    }
    if (region !== FAILED) {
      await mapLimit(names, 16, async (name) => {
        await ecs.send(
          new CreateServiceCommand({
            cluster: `prod-${region}`,
            serviceName: name,
            desiredCount: 4,
          }),
        );
        await clients.autoScaling(region).send(
          new RegisterScalableTargetCommand({
            ServiceNamespace: 'ecs',
            ResourceId: `service/prod-${region}/${name}`,
            ScalableDimension: 'ecs:service:DesiredCount',
            MinCapacity: 4,
            MaxCapacity: 12,
          }),
        );
      });
      for (const name of names) {
        metrics.push({
          namespace: 'ECS/ContainerInsights',
          datum: {
            MetricName: 'RunningTaskCount',
            Dimensions: [
              { Name: 'ClusterName', Value: `prod-${region}` },
              { Name: 'ServiceName', Value: name },
            ],
            Timestamp: new Date((AT - 60) * 1000),
            Value: 8,
          },
        });
      }
    }
    await putMetrics(endpoint, region, metrics);
    ecs.destroy();
  }
  clients.destroy();
}

interface Row {
  latency: number;
  step: string;
  concurrency: string;
  calls: string;
  total: number;
  seconds: number;
}

const rows: Row[] = [];
function record(latency: number, step: string, concurrency: string, clients: AwsClients, started: number): void {
  const calls = clients.calls.calls();
  rows.push({
    latency,
    step,
    concurrency,
    calls: Object.entries(calls)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
    total: clients.calls.total(),
    seconds: (performance.now() - started) / 1000,
  });
}

const moto = await startMoto();
try {
  const configDir = path.join(work, 'config');
  writeConfig(configDir);
  const traces = path.join(work, 'traces.csv');
  writeTraces(traces);
  const seedStart = performance.now();
  await seed(moto.url);
  console.error(`seeded ${SERVICES * HEALTHY.length} targets in ${HEALTHY.length} regions in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const config = unwrap(loadConfig(configDir));

  for (const latency of LATENCIES) {
    const proxy = await startFaultProxy({
      target: moto.url,
      latencyMs: latency,
    });
    const endpoint = proxy.url;
    for (const concurrency of CONCURRENCY) {
      const clients = testClients(endpoint);
      const scaler = new AutoScalingScaler({ clients });
      let started = performance.now();
      const plan = await planEvacuation({
        config,
        source: new CloudWatchSource({
          clients,
          scaler,
          tracesFile: traces,
          now: () => AT,
          regionTimeoutMs: 300_000,
        }),
        failedRegion: FAILED,
        at: AT,
      });
      record(latency, 'plan', '-', clients, started);
      const stateDir = path.join(work, `state-${latency}-${concurrency}`);

      const applyClients = testClients(endpoint);
      started = performance.now();
      const applied = await applyPlan({
        plan,
        reviewed: true,
        scaler: new AutoScalingScaler({ clients: applyClients }),
        stateDir,
        concurrency,
        regionTimeoutMs: 300_000,
      });
      record(latency, 'apply', String(concurrency), applyClients, started);
      if (applied.summary.failed > 0 || applied.summary.raised === 0) throw new Error(`apply: ${JSON.stringify(applied.summary)}`);

      const againClients = testClients(endpoint);
      started = performance.now();
      const again = await applyPlan({
        plan,
        reviewed: true,
        scaler: new AutoScalingScaler({ clients: againClients }),
        stateDir,
        concurrency,
        regionTimeoutMs: 300_000,
      });
      record(latency, 'apply again', String(concurrency), againClients, started);
      if (again.summary.raised !== 0) throw new Error('second apply changed something');

      const restoreClients = testClients(endpoint);
      started = performance.now();
      const restored = await restoreSnapshot({
        snapshotFile: applied.snapshotFile ?? '',
        scaler: new AutoScalingScaler({ clients: restoreClients }),
        stateDir,
        concurrency,
        regionTimeoutMs: 300_000,
      });
      record(latency, 'restore', String(concurrency), restoreClients, started);
      if (!restored.complete) throw new Error('restore incomplete');
      console.error(
        `latency ${latency} ms, concurrency ${concurrency}: ${applied.summary.raised} raised, ${applied.summary.unchanged} unchanged, ${applied.summary.capped} capped`,
      );
      for (const c of [clients, applyClients, againClients, restoreClients]) c.destroy();
    }
    await proxy.close();
  }

  console.log(
    `evac AWS benchmark: ${SERVICES * HEALTHY.length} targets (${SERVICES} services x ${HEALTHY.length} healthy regions), moto server, ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}\n`,
  );
  console.log(
    renderTextTable({
      columns: [
        {
          header: 'latency (ms)',
          value: (r: Row) => String(r.latency),
          align: 'right',
        },
        { header: 'step', value: (r) => r.step },
        {
          header: 'concurrency/region',
          value: (r) => r.concurrency,
          align: 'right',
        },
        { header: 'API calls', value: (r) => String(r.total), align: 'right' },
        {
          header: 'wall time (s)',
          value: (r) => r.seconds.toFixed(2),
          align: 'right',
        },
        { header: 'calls by API', value: (r) => r.calls },
      ],
      rows,
    }),
  );
} finally {
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}
