import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { setTestCredentials } from '../aws/support.ts';
import { type MotoServer, startMoto, TEST_CREDENTIALS } from './moto-server.ts';
import { ROOT } from './run-cli.ts';
import { seedMotoFromData } from './seed-moto.ts';
import { AT, writeSmallDataset } from './small-dataset.ts';

/** The config of the AWS tests (test/aws/fixtures/config). */
export const AWS_TEST_CONFIG = path.join(ROOT, 'test/aws/fixtures/config');

/** What a terminal test against moto works with: moto seeded from the small data set at AT, and a work directory holding that data. */
export interface SeededMoto {
  readonly moto: MotoServer;
  readonly work: string;
  readonly dataDir: string;
}

/**
 * Starts moto seeded from the small data set (scalable targets, capacity metrics) and a work
 * directory before the file's tests, and stops them after. The returned object is filled in by
 * `beforeAll`: read it inside tests.
 */
export function seededMotoPerFile(prefix: string): SeededMoto {
  const world = {} as { moto: MotoServer; work: string; dataDir: string };
  beforeAll(async () => {
    setTestCredentials();
    world.moto = await startMoto();
    world.work = mkdtempSync(path.join(tmpdir(), prefix));
    world.dataDir = writeSmallDataset(path.join(world.work, 'data'));
    await seedMotoFromData({ endpoint: world.moto.url, configDir: AWS_TEST_CONFIG, dataDir: world.dataDir, at: AT });
  });
  afterAll(async () => {
    await world.moto?.stop();
    if (world.work) rmSync(world.work, { recursive: true, force: true });
  });
  return world;
}

/** The environment of evac started in a terminal against moto: the test credentials, no colour, no instance metadata. */
export const MOTO_TERMINAL_ENV: Readonly<Record<string, string>> = {
  NO_COLOR: '1',
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  AWS_EC2_METADATA_DISABLED: 'true',
};
