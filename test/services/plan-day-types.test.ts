import { readFileSync } from 'node:fs';
import path from 'node:path';
import { median } from 'simple-statistics';
import { describe, expect, test } from 'vitest';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import { bucketOf, utcDay } from '../../src/model/bucket.ts';
import { dayTypeOf } from '../../src/model/day-type.ts';
import type { Plan } from '../../src/report/plan-schema.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import type { DataSource } from '../../src/sources/data-source.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { ROOT } from '../support/run-cli.ts';

const fixtures = new FilesSource(path.join(ROOT, 'fixtures'));
// The fixtures without capacity timestamps: capacity as observed at the planned time (the rule before them).
const untimed: DataSource = {
  load: async (request) => {
    const loaded = await fixtures.load(request);
    return { ...loaded, data: { ...loaded.data, capacity: loaded.data.capacity.map((c) => ({ ...c, observedAt: null })) } };
  },
};
const shipped = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));
const withRule = (rule: 'all' | 'weekday-weekend'): LoadedConfig => ({
  ...shipped,
  evacuation: { ...shipped.evacuation, dayTypes: rule },
});
const at = (iso: string) => Date.parse(iso) / 1000;

/** A plan as the golden file holds it: not where its config and data came from. */
const golden = (p: Plan) => {
  const { configDir: _d, source: _s, meta: _m, ...rest } = JSON.parse(JSON.stringify(p)) as Plan;
  return {
    ...rest,
    services: rest.services.map(({ configFile: _c, capacityRescale: _r, ...e }) => e),
  };
};

describe('dayTypes: all', () => {
  // test/golden/plan-day-types-all.json holds the plans of the planner before day types
  // existed: main at e88dcf1 (git archive main | tar -x -C /tmp/evac-main), run on the committed
  // fixtures of this branch (main's CSV reader ignores capacity.csv's timestamp column) with
  // metrics-config minus its dayTypes and timeZones keys (unknown to it), by
  // `node bin/evac.js plan --failed F --at AT --window W --config CFG --data fixtures --format json`
  // for the three cases below, with configDir, source and meta removed. The capacity
  // timestamps (capacity-rescaled) are stripped here: without them capacity is as before.
  const cases = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/plan-day-types-all.json'), 'utf8')) as {
    failed: string;
    at: string;
    windowMinutes: number;
    plan: Plan;
  }[];
  test.each(cases.map((c) => [c.failed, c.at, c.windowMinutes, c] as const))(
    'reproduces the plan of %s at %s (window %i) exactly',
    async (failed, when, windowMinutes, c) => {
      const p = await planEvacuation({
        config: withRule('all'),
        source: untimed,
        failedRegion: failed,
        at: at(when),
        windowMinutes,
      });
      expect(golden(p)).toEqual(golden(c.plan));
      expect(p.services.some((e) => e.flags.includes('day-type-fallback'))).toBe(false);
    },
  );
});

describe('dayTypes: weekday-weekend', () => {
  /** Median over the dates of one day type (local to the region) of each date's mean demand in the bucket. */
  function demandLevel(service: string, region: string, t: number, before: number): number {
    const zone = shipped.evacuation.timeZones[region];
    const bucket = bucketOf(t, 15);
    const byDay = new Map<number, number[]>();
    const evacuations = readFileSync(path.join(ROOT, 'fixtures/evacuations.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map((x) => at(x)));
    for (const line of readFileSync(path.join(ROOT, 'fixtures/service-demand.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [ts, r, s, v] = line.split(',');
      const ti = Number(ts);
      if (r !== region || s !== service || bucketOf(ti, 15) !== bucket || ti > before || ti <= before - 14 * 86_400) continue;
      if (evacuations.some(([start, end]) => ti >= start! && ti < end!)) continue;
      if (dayTypeOf(utcDay(ti) * 86_400 + bucket * 900, zone) !== dayTypeOf(t, zone)) continue;
      const values = byDay.get(utcDay(ti)) ?? [];
      values.push(Number(v));
      byDay.set(utcDay(ti), values);
    }
    return median([...byDay.values()].map((vs) => vs.reduce((a, b) => a + b, 0) / vs.length));
  }

  test('a plan for a Saturday uses the weekend levels of the region', async () => {
    // Saturday 2026-11-21 20:00 UTC is Saturday afternoon in us-east-1 (America/New_York).
    const t = at('2026-11-21T20:00:00Z');
    const p = await planEvacuation({
      config: withRule('weekday-weekend'),
      source: fixtures,
      failedRegion: 'us-west-2',
      at: t,
    });
    const all = await planEvacuation({
      config: withRule('all'),
      source: fixtures,
      failedRegion: 'us-west-2',
      at: t,
    });
    const e = p.services.find((x) => x.service === 'tv-ui-gateway' && x.region === 'us-east-1')!;
    const a = all.services.find((x) => x.service === 'tv-ui-gateway' && x.region === 'us-east-1')!;
    expect(e.demand?.nominal).toBeCloseTo(demandLevel('tv-ui-gateway', 'us-east-1', t, t), 9);
    // The fixtures' weekend afternoons carry more TV than weekday ones.
    expect(e.demand!.nominal).toBeGreaterThan(a.demand!.nominal * 1.2);
    expect(e.flags).not.toContain('day-type-fallback');
  });

  test('flags day-type-fallback where the history has fewer than 2 dates of the day type', async () => {
    // On Saturday 2026-11-14 the fixtures hold no earlier weekend date (they start Tuesday 11-10).
    const p = await planEvacuation({
      config: withRule('weekday-weekend'),
      source: fixtures,
      failedRegion: 'us-west-2',
      at: at('2026-11-14T20:00:00Z'),
    });
    expect(p.services.every((e) => e.flags.includes('day-type-fallback'))).toBe(true);
  });
});
