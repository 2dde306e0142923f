/** Helpers of the moto-backed CLI tests: run evac in-process, read targets back from moto. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { afterAll, beforeAll } from 'vitest';
import type { CliIO } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { type MotoServer, startMoto, TEST_CREDENTIALS } from '../support/moto-server.ts';
import { putMetrics } from '../support/seed-moto.ts';

export interface EvacRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `evac ARGS` in this process, with the test credentials and the clock at `now`. */
export async function runEvac(args: readonly string[], now: number): Promise<EvacRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    now: () => now,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** The SDK's default credential chain reads these: the CLI under test gets the moto credentials. */
export function setTestCredentials(): void {
  // The developer's own AWS setup goes; the switch that silences the SDK's Node-version notice stays.
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete process.env[k];
  process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

/** Every ecs target of a region as `resourceId -> "min/max"`. */
export async function targetsIn(endpoint: string, region: string): Promise<Record<string, string>> {
  const client = new ApplicationAutoScalingClient({ region, endpoint, credentials: TEST_CREDENTIALS });
  const out: Record<string, string> = {};
  let NextToken: string | undefined;
  do {
    const page = await client.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ...(NextToken ? { NextToken } : {}) }));
    for (const t of page.ScalableTargets ?? []) out[t.ResourceId ?? '?'] = `${t.MinCapacity}/${t.MaxCapacity}`;
    NextToken = page.NextToken;
  } while (NextToken);
  client.destroy();
  return out;
}

/** Someone else changes a target behind evac's back. */
export async function setTarget(endpoint: string, region: string, resourceId: string, min: number, max: number): Promise<void> {
  const client = new ApplicationAutoScalingClient({ region, endpoint, credentials: TEST_CREDENTIALS });
  await client.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: min,
      MaxCapacity: max,
    }),
  );
  client.destroy();
}

/** What one test file of apply against moto works with. */
export interface MotoWorld {
  readonly moto: MotoServer;
  /** The fault proxy in front of moto (pass its url as the endpoint to inject faults). */
  readonly proxy: FaultProxy;
  /** A fresh work directory, removed after the file. */
  readonly work: string;
}

/**
 * Starts moto, a fault proxy in front of it and a work directory before the file's tests, and
 * stops them after. The returned object is filled in by `beforeAll`: read it inside tests.
 */
export function motoWorldPerFile(prefix: string): MotoWorld {
  const world = {} as { moto: MotoServer; proxy: FaultProxy; work: string };
  beforeAll(async () => {
    setTestCredentials();
    world.moto = await startMoto();
    world.proxy = await startFaultProxy({ target: world.moto.url });
    world.work = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await world.proxy?.close();
    await world.moto?.stop();
    if (world.work) rmSync(world.work, { recursive: true, force: true });
  });
  return world;
}

/** `evac plan --source aws --failed us-west-2` at `at` against `endpoint`, written to `planFile`. */
export function planToFile(options: { endpoint: string; configDir: string; dataDir: string; planFile: string; at: number }): Promise<EvacRun> {
  return runEvac(
    [
      'plan',
      '--source',
      'aws',
      '--failed',
      'us-west-2',
      '--at',
      String(options.at),
      '--config',
      options.configDir,
      '--traces',
      path.join(options.dataDir, 'trace-samples.csv'),
      '--endpoint-url',
      options.endpoint,
      '--out',
      options.planFile,
    ],
    options.at,
  );
}

/**
 * What ECS (or the catalog's own metric) would report for targets of the moto world
 * (test/aws/fixtures/config): each target, labelled as `evac status` labels it
 * (`REGION service/prod-REGION/SERVICE`), runs `value` at `at` (epoch seconds).
 */
export async function reportRunning(endpoint: string, region: string, running: readonly { label: string; value: number }[], at: number): Promise<void> {
  const points = running.map(({ label, value }) => {
    const service = label.split(' ')[1]?.split('/')[2] ?? '';
    const metric =
      service === 'catalog'
        ? { namespace: 'Evac/Capacity', name: 'CatalogInstances', dimensions: [{ Name: 'Region', Value: region }] }
        : {
            namespace: 'ECS/ContainerInsights',
            name: 'RunningTaskCount',
            dimensions: [
              { Name: 'ClusterName', Value: `prod-${region}` },
              { Name: 'ServiceName', Value: service },
            ],
          };
    return { namespace: metric.namespace, datum: { MetricName: metric.name, Dimensions: metric.dimensions, Timestamp: new Date(at * 1000), Value: value } };
  });
  await putMetrics(endpoint, region, points);
}
