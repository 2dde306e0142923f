/**
 * `npm run demo:aws`: the AWS flow of evac without an AWS account. Starts the AWS emulator moto
 * (from .venv, installed on first use) on a free loopback port, seeds it from the fixtures
 * (an ECS service and scalable target per capacity row, the traffic, demand and running-capacity
 * metrics in CloudWatch), then runs plan --source aws -> apply --yes --wait -> status -> restore,
 * printing each command and its output, and the commands to repeat it by hand. Stops moto by its
 * pid at the end, also on failure.
 *
 * Moto runs no ECS tasks: while apply waits, the demo plays ECS and reports each service's
 * running tasks at its new MinCapacity, as the service scheduler would.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { AwsClients } from '../src/aws/clients.ts';
import { defaultCapacityMetric } from '../src/scaling/capacity-metric.ts';
import { PROJECT_ROOT, startMoto, TEST_CREDENTIALS, testAwsEnv } from '../test/support/moto-server.ts';
import { putMetrics, seedMotoFromData } from '../test/support/seed-moto.ts';

/** The scenario: us-west-2 fails at 18:00 UTC on the fixtures' last day. */
const FAILED = 'us-west-2';
const AT = '2026-11-23T18:00:00Z';
const CONFIG = 'metrics-config';

// The SDK's notice that later releases need Node 22, as the CLI silences it (README, "Node and the AWS SDK").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const say = (text: string) => process.stdout.write(`${text}\n`);
const step = (n: number, title: string) => say(`\n=== ${n}. ${title}`);

/**
 * Runs `evac ARGS` as a user would (node bin/evac.js), echoing the command and streaming its
 * output; resolves with its stdout. Asynchronous, so that the ECS stand-in runs meanwhile.
 */
function evac(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  say(`$ evac ${args.join(' ')}`);
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/evac.js'), ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    process.stdout.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`evac ${args[0]} exited ${code}`))));
  });
}

/**
 * Plays ECS while apply waits: every second, each ECS target whose MinCapacity changed since
 * the start has its running tasks (its capacity metric) reported at the new MinCapacity, once.
 * (Once: a second point in the same minute would average with the first, and moto's
 * GetMetricData slows with every point it holds.) Resolves, with a function that stops it, once
 * it knows every target's Min before the change.
 */
async function playEcs(endpoint: string, regions: readonly string[]): Promise<() => Promise<void>> {
  const clients = new AwsClients({ endpoints: { all: endpoint, byRegion: {} }, credentials: TEST_CREDENTIALS });
  const reported = new Map<string, number>();
  const pass = async (report: boolean) => {
    for (const region of regions) {
      const page = await clients.autoScaling(region).send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
      const at = new Date(Date.now() - 5000);
      const data = (page.ScalableTargets ?? []).flatMap((t) => {
        const metric =
          t.ResourceId && t.ScalableDimension
            ? defaultCapacityMetric({ serviceNamespace: 'ecs', resourceId: t.ResourceId, scalableDimension: t.ScalableDimension })
            : undefined;
        const key = `${region} ${t.ResourceId}`;
        if (!metric || t.MinCapacity === undefined || reported.get(key) === t.MinCapacity) return [];
        reported.set(key, t.MinCapacity);
        const dimensions = Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value }));
        return report ? [{ namespace: metric.namespace, datum: { MetricName: metric.name, Dimensions: dimensions, Timestamp: at, Value: t.MinCapacity } }] : [];
      });
      if (data.length > 0) await putMetrics(endpoint, region, data);
    }
  };
  await pass(false);
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await pass(true);
    }
  })();
  return async () => {
    running = false;
    await loop;
    clients.destroy();
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'evac-demo-'));
  const history = path.join(work, 'history');
  const stateDir = path.join(work, 'state');
  const planFile = path.join(work, 'plan.json');

  step(1, 'start the AWS emulator moto on a free loopback port');
  const moto = await startMoto();
  say(`moto_server listening on ${moto.url} (pid ${moto.pid})`);
  const env = testAwsEnv({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const aws = ['--endpoint-url', moto.url];
  let stopEcs: (() => Promise<void>) | undefined;
  try {
    step(2, "the incident setup: history precomputed before the failure, today's capacity in AWS");
    // The recommended incident setup (README, AWS): traffic, traces and demand from a directory
    // `evac precompute` wrote on schedule; only running capacity (CloudWatch) and Min/Max
    // (Application Auto Scaling) live from AWS, the failed region never called. (Reading 14 days
    // of every metric from moto's CloudWatch would take minutes: it scans every point per period.)
    await evac(['precompute', '--out', history, '--at', AT, '--config', CONFIG, '--data', 'fixtures'], env);
    const targets = await seedMotoFromData({ endpoint: moto.url, configDir: CONFIG, dataDir: 'fixtures', at: Date.parse(AT) / 1000, metrics: 'capacity' });
    say(`seeded moto from fixtures/capacity.csv: ${targets.length} ECS services with scalable targets (Min/Max), and their running tasks in CloudWatch`);

    const source = ['--source', 'aws', '--history', history, '--config', CONFIG, '--at', AT, ...aws];
    step(3, `plan the evacuation of ${FAILED}: capacity from CloudWatch, Min/Max from Application Auto Scaling`);
    await evac(['plan', '-f', FAILED, ...source], env);
    await evac(['plan', '-f', FAILED, ...source, '-o', planFile], env);

    step(4, 'apply the plan: raise MinCapacity in the healthy regions, then wait for the capacity');
    say('(moto runs no tasks: the demo plays ECS, reporting each service running its new MinCapacity)');
    stopEcs = await playEcs(moto.url, [...new Set(targets.map((t) => t.region))]);
    await evac(['apply', planFile, '--yes', '--wait', '--poll-interval', '2', '--wait-timeout', '120', '--state-dir', stateDir, ...aws], env);
    await stopEcs();
    stopEcs = undefined;

    step(5, 'status: running capacity against the new minimums');
    await evac(['status', '--state-dir', stateDir, ...aws], env);
    const [name] = readdirSync(path.join(stateDir, 'snapshots')).filter((f) => f.endsWith('.json'));
    if (!name) throw new Error(`apply wrote no snapshot into ${stateDir}/snapshots`);
    const snapshot = path.join(stateDir, 'snapshots', name);

    step(6, 'restore every target to its prior Min/Max');
    await evac(['restore', '--snapshot', snapshot, '--yes', '--state-dir', stateDir, ...aws], env);

    say('\n=== To repeat it by hand (moto from .venv, the AWS flags pointing at it):');
    say(`.venv/bin/moto_server -H 127.0.0.1 -p 5000 &`);
    say(`npx tsx test/support/seed-moto-cli.ts --endpoint-url http://127.0.0.1:5000 --at ${AT} --capacity-only`);
    say(`export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing`);
    say(`node bin/evac.js precompute --out history --at ${AT}`);
    say(`node bin/evac.js plan -f ${FAILED} --source aws --history history --at ${AT} --endpoint-url http://127.0.0.1:5000 -o plan.json`);
    say('node bin/evac.js apply plan.json --dry-run --endpoint-url http://127.0.0.1:5000');
    say('node bin/evac.js apply plan.json --yes --endpoint-url http://127.0.0.1:5000');
    say('node bin/evac.js status --endpoint-url http://127.0.0.1:5000');
    say('node bin/evac.js restore --snapshot .evac-state/snapshots/<file>.json --yes --endpoint-url http://127.0.0.1:5000');
    say(`(the demo's files are in ${work})`);
  } finally {
    await stopEcs?.();
    await moto.stop();
    say(`\nstopped moto_server (pid ${moto.pid})`);
  }
}

await main();
