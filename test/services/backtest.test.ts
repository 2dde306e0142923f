import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.ts';
import { EvacError, unwrap } from '../../src/errors.ts';
import type { EvacuationWindow } from '../../src/model/planning-data.ts';
import { BacktestSchema } from '../../src/report/backtest-schema.ts';
import { runBacktest } from '../../src/services/backtest.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import type { DataSource, LoadResult } from '../../src/sources/data-source.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { ROOT } from '../support/run-cli.ts';

const shipped = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));
const withRule = (rule: 'all' | 'weekday-weekend'): LoadedConfig => ({ ...shipped, evacuation: { ...shipped.evacuation, dayTypes: rule } });
const NOW = Date.parse('2026-11-24T00:00:00Z') / 1000;
const at = (iso: string) => Date.parse(iso) / 1000;

// The fixtures, read once; every test gets them with its own list of past evacuations.
const fixtures = new FilesSource(path.join(ROOT, 'fixtures')).load({ config: shipped, scopes: [], from: 0, to: NOW });
const withEvacuations = (evacuations: readonly EvacuationWindow[]): DataSource => ({
  load: async (): Promise<LoadResult> => {
    const loaded = await fixtures;
    return { ...loaded, data: { ...loaded.data, evacuations } };
  },
});

describe('runBacktest on the fixtures', () => {
  test('follows the JSON contract and shows weighted beating uniform on the receiving pairs (the README figures)', async () => {
    const b = await runBacktest({ config: shipped, source: new FilesSource(path.join(ROOT, 'fixtures')), now: NOW });
    expect(BacktestSchema.parse(b)).toBeTruthy();
    expect(b.evacuations.map((e) => [e.start, e.failedRegion])).toEqual([
      ['2026-11-19T02:00:00.000Z', 'us-west-2'],
      ['2026-11-21T19:00:00.000Z', 'eu-west-1'],
      ['2026-11-22T14:00:00.000Z', 'sa-east-1'],
    ]);
    const r = b.summary.receiving;
    // 27 units x (2 + 3 + 2 receiving regions) = 189 pairs; 12 + 8 + 4 slices per pair.
    expect(r.pairs).toBe(189);
    expect(r.slices).toBe(27 * (2 * 12 + 3 * 8 + 2 * 4));
    expect(r.weighted.mape).toBeCloseTo(0.0362, 4);
    expect(r.uniform.mape).toBeCloseTo(0.0854, 4);
    expect(r.weightedCloser).toBe(128);
    // Regions that receive nothing are predicted by nominal demand alone: the three methods agree.
    for (const m of ['weighted', 'uniform'] as const) expect(b.summary.notReceiving[m].mape).toBeCloseTo(b.summary.notReceiving.none.mape ?? 0, 12);
    // The generator steers exactly as configured: observed steering is within noise of it.
    for (const e of b.evacuations) for (const s of e.steering) expect(Math.abs((s.observed ?? 0) - s.configured)).toBeLessThan(0.05);
  }, 60_000);

  test('with dayTypes: all the weekend evacuations are predicted from weekday-heavy levels, and worse', async () => {
    const b = await runBacktest({ config: withRule('all'), source: new FilesSource(path.join(ROOT, 'fixtures')), now: NOW });
    expect(b.summary.receiving.weighted.mape).toBeCloseTo(0.1352, 4);
    expect(b.summary.receiving.uniform.mape).toBeCloseTo(0.1694, 4);
  }, 60_000);

  test('--evacuation replays one evacuation, and names the ones there are when it matches none', async () => {
    const source = withEvacuations((await fixtures).data.evacuations);
    const b = await runBacktest({ config: shipped, source, now: NOW, evacuationStart: at('2026-11-22T14:00:00Z') });
    expect(b.evacuations).toHaveLength(1);
    expect(new Set(b.pairs.map((p) => p.evacuationStart))).toEqual(new Set(['2026-11-22T14:00:00.000Z']));
    await expect(runBacktest({ config: shipped, source, now: NOW, evacuationStart: at('2026-11-22T13:00:00Z') })).rejects.toThrow(
      /no past evacuation starts then: expected one of 2026-11-19T02:00:00.000Z/,
    );
  }, 60_000);

  test('refuses to run without past evacuations', async () => {
    await expect(runBacktest({ config: shipped, source: withEvacuations([]), now: NOW })).rejects.toThrow(EvacError);
  });
});

describe('backtest predictions', () => {
  test('equal evac plan --at START at each slice bucket, for evacuation windows not aligned to buckets', async () => {
    const regions = Object.keys(shipped.evacuation.steering);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 * 24 * 12 - 1 }),
        fc.integer({ min: 3, max: 6 }),
        fc.constantFrom(...regions),
        async (fiveMinutes, quarters, failedRegion) => {
          // A start on a 5-minute traffic sample between 2026-11-16 and 11-18 (a third of them on a
          // quarter hour), 16 to 31 minutes long (so each holds a quarter-hour demand sample), starting and ending inside buckets.
          const start = at('2026-11-16T00:00:00Z') + fiveMinutes * 300;
          const evacuation = { start, end: start + quarters * 5 * 60 + 60, failedRegion };
          const source = withEvacuations([...(await fixtures).data.evacuations, evacuation]);
          const b = await runBacktest({ config: shipped, source, now: NOW, evacuationStart: start });
          expect(b.pairs.length).toBeGreaterThan(0);
          const atStart = await planEvacuation({ config: shipped, source, failedRegion, at: start, allowPartialHistory: true });
          // One plan per slice start; the slice at START is `plan --at START` itself.
          const plans = new Map([[start, atStart]]);
          for (const pair of b.pairs) {
            for (const slice of pair.slices) {
              const sliceStart = at(slice.start);
              if (!plans.has(sliceStart))
                plans.set(
                  sliceStart,
                  await planEvacuation({ config: shipped, source, failedRegion, at: sliceStart, historyEnd: start, allowPartialHistory: true }),
                );
              const plan = plans.get(sliceStart)!;
              expect(plan.dataEnd).toBe(atStart.dataEnd);
              const le = plan.services.find((x) => x.service === pair.service && x.region === pair.region)!;
              expect(le.bucket).toBe(slice.bucket);
              expect(slice.nominal).toBe(le.demand?.nominal);
              expect(slice.predicted).toEqual({
                weighted: le.demand?.predicted,
                uniform: (le.demand?.nominal ?? 0) * le.uniformRatio,
                none: le.demand?.nominal,
              });
            }
          }
        },
      ),
      { numRuns: 4 },
    );
  }, 180_000);
});
