import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import type { Plan } from '../../src/report/plan-schema.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { SMALL_WORLD_AT, type World, writeWorld } from '../support/small-world.ts';

async function plan(world: World): Promise<Plan> {
  return planEvacuation({ config: unwrap(loadConfig(world.configDir)), source: new FilesSource(world.dataDir), failedRegion: 'us-west-2', at: SMALL_WORLD_AT });
}
const authz = (p: Plan) => p.services.find((s) => s.service === 'authz' && s.region === 'us-east-1')!;

/** The small world with a `timestamp` column in capacity.csv for authz in us-east-1. */
function timedWorld(timestamp: string, extraDemand = ''): World {
  const w = writeWorld();
  const capacity = path.join(w.dataDir, 'capacity.csv');
  const lines = readFileSync(capacity, 'utf8').trim().split('\n');
  const out = [`${lines[0]},timestamp`, ...lines.slice(1).map((l) => `${l},${l.startsWith('us-east-1,authz,') ? timestamp : ''}`)];
  writeFileSync(capacity, `${out.join('\n')}\n`);
  if (extraDemand) writeFileSync(path.join(w.dataDir, 'service-demand.csv'), readFileSync(path.join(w.dataDir, 'service-demand.csv'), 'utf8') + extraDemand);
  return w;
}

// authz in us-east-1: 10 tasks, weighted ratio 0.6*150/110 + 0.4*140/60 (see plan.test.ts), headroom 0.1,
// nominal demand at bucket 10 (10:00 UTC) = median(1000, 1200) = 1100.
const weighted = 0.6 * (150 / 110) + 0.4 * (140 / 60);

describe('capacity at the planned hour', () => {
  test('rescales capacity observed at another hour by the demand sampled then', async () => {
    // Observed at 04:10 UTC with a demand sample of 550 at 04:00 (within one 60-minute bucket): factor 1100 / 550 = 2.
    const e = authz(await plan(timedWorld('2026-11-23T04:10:00Z', '2026-11-23T04:00:00Z,us-east-1,authz,550\n')));
    expect(e.flags).toContain('capacity-rescaled');
    expect(e.capacityRescale).toEqual({ factor: 2, observedAt: '2026-11-23T04:10:00.000Z', demandAtObservation: 550, from: 'sample' });
    expect(e.requiredCapacity).toBe(Math.ceil(10 * 2 * weighted * 1.1 - 1e-9)); // 39
    expect(e.currentCapacity).toBe(10);
  });

  test('takes capacity as observed when it was observed in the planned bucket', async () => {
    const e = authz(await plan(timedWorld('2026-11-23T10:05:00Z')));
    expect(e.flags).not.toContain('capacity-rescaled');
    expect(e.capacityRescale).toBeNull();
    expect(e.requiredCapacity).toBe(20);
  });

  test('takes capacity as observed at the planned time without a demand sample or level at the observation', async () => {
    // 04:10 UTC has neither a demand sample within an hour nor a nominal level: today's rule, said by capacityRescale null.
    const e = authz(await plan(timedWorld('2026-11-23T04:10:00Z')));
    expect(e.flags).not.toContain('capacity-rescaled');
    expect(e.capacityRescale).toBeNull();
    expect(e.requiredCapacity).toBe(20);
  });

  test('refuses a timestamp that is not a time, naming the file and line', async () => {
    const w = timedWorld('yesterday');
    await expect(plan(w)).rejects.toThrow(/capacity\.csv:2: column "timestamp": "yesterday" is not a timestamp/);
  });
});
