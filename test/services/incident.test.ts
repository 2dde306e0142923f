import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import { openIncident } from '../../src/services/incident.ts';
import { CoveringSource } from '../../src/sources/covering-source.ts';
import type { DataSource, LoadRequest, LoadResult } from '../../src/sources/data-source.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { SMALL_WORLD, SMALL_WORLD_AT, writeWorld } from '../support/small-world.ts';

/** Like CloudWatch and Application Auto Scaling: capacity only for the scopes asked for. */
class ScopedSource implements DataSource {
  readonly requests: LoadRequest[] = [];
  constructor(private readonly inner: DataSource) {}
  async load(request: LoadRequest): Promise<LoadResult> {
    this.requests.push(request);
    const r = await this.inner.load(request);
    const asked = new Set(request.scopes.map((s) => `${s.region}|${s.name}`));
    return { ...r, data: { ...r.data, capacity: r.data.capacity.filter((c) => asked.has(`${c.region}|${c.service}`)) } };
  }
}

function world() {
  const w = writeWorld({
    'config/evacuation.yaml': SMALL_WORLD['config/evacuation.yaml'].replace('steering:\n', 'steering:\n  us-east-1: {us-west-2: 0.7, eu-west-1: 0.3}\n'),
    'data/capacity.csv': `${SMALL_WORLD['data/capacity.csv']}us-west-2,authz,8,4,100\n`,
  });
  return { config: unwrap(loadConfig(w.configDir)), source: new ScopedSource(new FilesSource(w.dataDir)) };
}

describe('openIncident', () => {
  test('keeps every region capacity after switching failed region (an AWS-like source loads once, for all regions)', async () => {
    const { config, source } = world();
    const incident = openIncident({ config, source });
    const first = await incident.plan({ failedRegion: 'us-west-2', at: SMALL_WORLD_AT, windowMinutes: 0 });
    const second = await incident.plan({ failedRegion: 'us-east-1', at: SMALL_WORLD_AT, windowMinutes: 0 });
    expect(first.services.find((e) => e.service === 'authz' && e.region === 'us-east-1')?.currentCapacity).toBe(10);
    const west = second.services.find((e) => e.service === 'authz' && e.region === 'us-west-2');
    expect(west?.flags).not.toContain('capacity-unknown');
    expect(west?.currentCapacity).toBe(8);
    expect(source.requests).toHaveLength(1);
  });

  test('loads again when the planned time moves out of the range loaded', async () => {
    const { config, source } = world();
    const incident = openIncident({ config, source });
    await incident.plan({ failedRegion: 'us-west-2', at: SMALL_WORLD_AT, windowMinutes: 0 });
    await incident.plan({ failedRegion: 'us-west-2', at: SMALL_WORLD_AT - 3600, windowMinutes: 0 });
    expect(source.requests).toHaveLength(2);
    expect(source.requests[1]?.to).toBe(SMALL_WORLD_AT);
  });

  test('draws the day of an entry with the planned bucket equal to the plan ratio', async () => {
    const { config, source } = world();
    const incident = openIncident({ config, source });
    const plan = await incident.plan({ failedRegion: 'us-west-2', at: SMALL_WORLD_AT, windowMinutes: 0 });
    const entry = plan.services.find((e) => e.service === 'authz' && e.region === 'us-east-1');
    if (!entry) throw new Error('authz@us-east-1 missing');
    const day = await incident.dayProfile(plan, entry);
    expect(day.weighted).toHaveLength(24);
    expect(day.plannedBucket).toBe(plan.bucket);
    expect(day.weighted[plan.bucket]).toBeCloseTo(entry.weightedRatio, 9);
    expect(day.uniform[plan.bucket]).toBeCloseTo(entry.uniformRatio, 9);
  });
});

describe('CoveringSource', () => {
  test('does not keep a failed load: the next request tries again', async () => {
    let calls = 0;
    const flaky: DataSource = {
      load: async () => {
        calls += 1;
        throw new Error('CloudWatch down');
      },
    };
    const { config } = world();
    const source = new CoveringSource(flaky);
    const request = { config, scopes: [], from: 0, to: 10 };
    await expect(source.load(request)).rejects.toThrow('CloudWatch down');
    await expect(source.load(request)).rejects.toThrow('CloudWatch down');
    expect(calls).toBe(2);
  });
});
