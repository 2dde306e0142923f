import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { setTestCredentials } from '../aws/support.ts';
import { type MotoServer, startMoto, TEST_CREDENTIALS } from '../support/moto-server.ts';
import { ROOT } from '../support/run-cli.ts';
import { seedMotoFromData } from '../support/seed-moto.ts';
import { AT, writeSmallDataset } from '../support/small-dataset.ts';
import { TmuxSession } from '../support/tmux.ts';

// The confirmation of `evac apply` without --yes, in a real terminal, against moto: it lists
// the changes and asks [y/N]; "n" changes nothing (exit 4), "y" applies (exit 0).
const CONFIG_DIR = path.join(ROOT, 'test/aws/fixtures/config');
const FAILED = 'us-west-2';

let moto: MotoServer;
let work: string;
let dataDir: string;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  setTestCredentials();
  moto = await startMoto();
  work = mkdtempSync(path.join(tmpdir(), 'evac-apply-confirm-'));
  dataDir = writeSmallDataset(path.join(work, 'data'));
  await seedMotoFromData({ endpoint: moto.url, configDir: CONFIG_DIR, dataDir, at: AT });
});
afterAll(async () => {
  for (const s of sessions) s.kill();
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function applyInTerminal(stateDir: string): TmuxSession {
  const flags = `--config ${CONFIG_DIR} --traces ${path.join(dataDir, 'trace-samples.csv')} --endpoint-url ${moto.url} --state-dir ${stateDir}`;
  const session = new TmuxSession(`node ${ROOT}/bin/evac.js apply --source aws --failed ${FAILED} --at ${AT} ${flags}`, {
    columns: 160,
    rows: 50,
    cwd: work,
    env: {
      NO_COLOR: '1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  sessions.push(session);
  return session;
}

describe('evac apply asks before it changes anything, in a terminal', () => {
  test('"n" cancels with nothing changed (exit 4); "y" applies (exit 0)', async () => {
    const stateDir = path.join(work, 'state');
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
