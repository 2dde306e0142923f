import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reportRunning, runEvac, setTestCredentials } from '../aws/support.ts';
import { type MotoServer, startMoto, TEST_CREDENTIALS } from '../support/moto-server.ts';
import { ROOT } from '../support/run-cli.ts';
import { seedMotoFromData } from '../support/seed-moto.ts';
import { AT, writeSmallDataset } from '../support/small-dataset.ts';
import { TmuxSession } from '../support/tmux.ts';

// The cockpit end to end in a real terminal against moto: apply from the UI, watch the
// progress reach every new Min, restore from the UI, then check through evac's own status
// (no boto3, no direct SDK reads) that every target holds its prior Min/Max again.
const CONFIG_DIR = path.join(ROOT, 'test/aws/fixtures/config');
const FAILED = 'us-west-2';

let moto: MotoServer;
let work: string;
let dataDir: string;
let session: TmuxSession | undefined;

interface Status {
  readonly total: number;
  readonly targets: readonly {
    readonly region: string;
    readonly label: string;
    readonly targetMin: number;
    readonly live: { min: number; max: number } | null;
  }[];
}

beforeAll(async () => {
  setTestCredentials();
  moto = await startMoto();
  work = mkdtempSync(path.join(tmpdir(), 'evac-ui-moto-'));
  dataDir = writeSmallDataset(path.join(work, 'data'));
  await seedMotoFromData({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, at: AT });
});
afterAll(async () => {
  session?.kill();
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The capacity metrics say each target now runs `value(target)` tasks, as of a moment ago. */
async function running(status: Status, value: (t: Status['targets'][number]) => number): Promise<void> {
  const now = Math.floor(Date.now() / 1000) - 30;
  for (const region of new Set(status.targets.map((t) => t.region))) {
    const targets = status.targets.filter((t) => t.region === region).map((t) => ({ label: t.label, value: value(t) }));
    await reportRunning(moto.url, region, targets, now);
  }
}

describe('evac ui --source aws in tmux, against moto', () => {
  test('applies from the UI, shows progress to completion, restores, and evac status finds every target back', async () => {
    const stateDir = path.join(work, 'state');
    const flags = `--config ${CONFIG_DIR} --traces ${path.join(dataDir, 'trace-samples.csv')} --endpoint-url ${moto.url} --state-dir ${stateDir}`;
    session = new TmuxSession(`node ${ROOT}/bin/evac.js ui --source aws --failed ${FAILED} --at ${AT} ${flags}`, {
      columns: 120,
      rows: 35,
      cwd: work,
      env: {
        NO_COLOR: '1',
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    await session.waitFor(/NOT READY|ready:/, 60_000);
    expect(session.screen()).toContain('source AWS (CloudWatch)');

    session.type('a');
    const review = await session.waitFor(`Type ${FAILED}`);
    expect(review).toContain('aws application-autoscaling register-scalable-target');
    session.type(FAILED);
    session.press('Enter');
    await session.waitFor(/Pre-scaling: raised \d+/, 60_000);
    await session.waitFor(/running capacity vs new Min: \d+\/\d+ targets reached/, 60_000);

    // ECS scales out: the capacity metrics reach every new Min, and the progress view sees it.
    const snapshots = path.join(stateDir, 'snapshots');
    const snapshot = path.join(snapshots, readdirSync(snapshots)[0] ?? '');
    const applied = await runEvac(['status', '--snapshot', snapshot, '--endpoint-url', moto.url, '--format', 'json'], Date.now() / 1000);
    expect(applied.code, applied.stderr).toBe(0);
    const during = JSON.parse(applied.stdout) as Status;
    expect(during.total).toBeGreaterThan(0);
    await running(during, (t) => t.targetMin);
    const done = await session.waitFor(new RegExp(`${during.total}/${during.total} targets reached`), 60_000);
    expect(done).toMatch(/\[#+\] 100%/);

    session.type('R');
    await session.waitFor('Restore review', 60_000);
    await session.waitFor(`Type ${FAILED}`, 60_000);
    session.type(FAILED);
    session.press('Enter');
    await session.waitFor(/Restore: restored \d+/, 60_000);
    session.type('q');
    await session.waitFor('EXIT=0');

    const after = await runEvac(['status', '--snapshot', snapshot, '--endpoint-url', moto.url, '--format', 'json'], Date.now() / 1000);
    expect(after.code, after.stderr).toBe(0);
    const back = JSON.parse(after.stdout) as Status;
    const { SnapshotSchema } = await import('../../src/state/snapshot.ts');
    const { readFileSync } = await import('node:fs');
    const saved = SnapshotSchema.parse(JSON.parse(readFileSync(snapshot, 'utf8')));
    expect(saved.status).toBe('restored');
    expect(back.targets).toHaveLength(saved.targets.length);
    for (const t of saved.targets) {
      const live = back.targets.find((b) => b.label.startsWith(`${t.region} ${t.resourceId} `))?.live;
      expect(live, `${t.region} ${t.resourceId}`).toEqual(t.prior);
    }
  }, 300_000);
});
