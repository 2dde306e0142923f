import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from '../support/run-cli.ts';
import { AWS_TEST_CONFIG, MOTO_TERMINAL_ENV, seededMotoPerFile } from '../support/seeded-moto.ts';
import { AT } from '../support/small-dataset.ts';
import { TmuxSession } from '../support/tmux.ts';

// The confirmation of `evac apply` without --yes, in a real terminal, against moto: it lists
// the changes and asks [y/N]; "n" changes nothing (exit 4), "y" applies (exit 0).
const FAILED = 'us-west-2';

const world = seededMotoPerFile('evac-apply-confirm-');
const sessions: TmuxSession[] = [];
afterAll(() => {
  for (const s of sessions) s.kill();
});

function applyInTerminal(stateDir: string): TmuxSession {
  const flags = `--config ${AWS_TEST_CONFIG} --traces ${path.join(world.dataDir, 'trace-samples.csv')} --endpoint-url ${world.moto.url} --state-dir ${stateDir}`;
  const session = new TmuxSession(`node ${ROOT}/bin/evac.js apply --source aws --failed ${FAILED} --at ${AT} ${flags}`, {
    columns: 160,
    rows: 50,
    cwd: world.work,
    env: MOTO_TERMINAL_ENV,
  });
  sessions.push(session);
  return session;
}

describe('evac apply asks before it changes anything, in a terminal', () => {
  test('"n" cancels with nothing changed (exit 4); "y" applies (exit 0)', async () => {
    const stateDir = path.join(world.work, 'state');
    const declined = applyInTerminal(stateDir);
    const asked = await declined.waitFor('[y/N]', 120_000);
    // The exact calls are on screen before the question.
    expect(asked).toContain('RegisterScalableTarget calls (6):');
    expect(asked).toContain('Make these 6 changes in eu-west-1, us-east-1? [y/N]');
    declined.type('n');
    declined.press('Enter');
    const cancelled = await declined.waitFor('EXIT=', 60_000);
    expect(cancelled).toContain('cancelled: nothing was changed');
    expect(cancelled).toContain('EXIT=4');
    // No snapshot: nothing was registered, so there is nothing to restore.
    expect(existsSync(path.join(stateDir, 'snapshots')) ? readdirSync(path.join(stateDir, 'snapshots')) : []).toEqual([]);

    const accepted = applyInTerminal(stateDir);
    await accepted.waitFor(/\[y\/N\]/, 120_000);
    accepted.type('y');
    accepted.press('Enter');
    const applied = await accepted.waitFor('EXIT=', 120_000);
    expect(applied).toContain('EXIT=0');
    expect(readdirSync(path.join(stateDir, 'snapshots'))).toHaveLength(1);
  }, 300_000);
});
