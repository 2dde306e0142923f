import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { reportRunning, runEvac } from '../aws/support.ts';
import { ROOT } from '../support/run-cli.ts';
import { AWS_TEST_CONFIG, MOTO_TERMINAL_ENV, seededMotoPerFile } from '../support/seeded-moto.ts';
import { AT } from '../support/small-dataset.ts';
import { TmuxSession } from '../support/tmux.ts';

// The cockpit end to end in a real terminal against moto: apply from the UI, watch the
// progress reach every new Min, restore from the UI, then check through evac's own status
// (no boto3, no direct SDK reads) that every target holds its prior Min/Max again.
const FAILED = 'us-west-2';

const world = seededMotoPerFile('evac-ui-moto-');
let session: TmuxSession | undefined;
afterAll(() => session?.kill());

interface Status {
  readonly total: number;
  readonly targets: readonly {
    readonly region: string;
    readonly label: string;
    readonly targetMin: number;
    readonly live: { min: number; max: number } | null;
  }[];
}

/** The capacity metrics say each target now runs `value(target)` tasks, as of a moment ago. */
async function running(status: Status, value: (t: Status['targets'][number]) => number): Promise<void> {
  const now = Math.floor(Date.now() / 1000) - 30;
  for (const region of new Set(status.targets.map((t) => t.region))) {
    const targets = status.targets.filter((t) => t.region === region).map((t) => ({ label: t.label, value: value(t) }));
    await reportRunning(world.moto.url, region, targets, now);
  }
}

describe('evac ui --source aws in tmux, against moto', () => {
  test('applies from the UI, shows progress to completion, restores, and evac status finds every target back', async () => {
    const stateDir = path.join(world.work, 'state');
    const flags = `--config ${AWS_TEST_CONFIG} --traces ${path.join(world.dataDir, 'trace-samples.csv')} --endpoint-url ${world.moto.url} --state-dir ${stateDir}`;
    session = new TmuxSession(`node ${ROOT}/bin/evac.js ui --source aws --failed ${FAILED} --at ${AT} ${flags}`, {
      columns: 120,
      rows: 35,
      cwd: world.work,
      env: MOTO_TERMINAL_ENV,
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
    const applied = await runEvac(['status', '--snapshot', snapshot, '--endpoint-url', world.moto.url, '--format', 'json'], Date.now() / 1000);
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

    const after = await runEvac(['status', '--snapshot', snapshot, '--endpoint-url', world.moto.url, '--format', 'json'], Date.now() / 1000);
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
