import { stripVTControlCharacters } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PlanEntry } from '../../src/report/plan-schema.ts';
import { entryRisks, orderByRisk, RISK_ORDER, riskAction } from '../../src/report/plan-risk.ts';
import { renderPlanTable } from '../../src/report/plan-text.ts';
import { wrapLine } from '../../src/report/plan-table.ts';
import { runCli } from '../support/run-cli.ts';
import { exceedingEntry, plan, planEntry } from '../support/report-builders.ts';

const noHistory = (overrides: Partial<PlanEntry> = {}) => planEntry({ ...overrides, flags: ['no-history'] });
const tty = (columns: number, env: Record<string, string> = {}) => ({ stdout: { isTTY: true, columns }, env });

describe('the plan table as a to-do list', () => {
  test('orders risky rows first: exceeds-max, no-history, then low confidence, the rest in plan order', () => {
    const fine = planEntry({ service: 'a' });
    const low = planEntry({ service: 'b', flags: ['low-samples'], traceSamples: 12 });
    const history = noHistory({ service: 'c' });
    const small = exceedingEntry(30, 20, { service: 'd' });
    const big = exceedingEntry(64, 48, { service: 'e' });
    const also = planEntry({ service: 'f' });
    expect(orderByRisk([fine, low, history, small, big, also]).map((e) => e.service)).toEqual(['e', 'd', 'c', 'b', 'a', 'f']);
  });

  test('counts low confidence only where the region receives traffic, and not for pooled buckets alone', () => {
    expect(entryRisks(planEntry({ flags: ['no-traces'] }))).toEqual(['low-confidence']);
    expect(entryRisks(planEntry({ flags: ['no-traces'], steeringWeight: 0 }))).toEqual([]);
    expect(entryRisks(planEntry({ flags: ['pooled-buckets'] }))).toEqual([]);
    expect(entryRisks(planEntry({ ci95: [1.2, 1.8] }))).toEqual(['low-confidence']);
  });

  test('orders any mix of entries as one sort of all of them by risk, shortfall, ratio and plan order would', () => {
    const entry = fc.record({
      flags: fc.subarray(['exceeds-max', 'no-history', 'capacity-unknown', 'region-unreachable', 'stale-data', 'low-samples', 'pooled-buckets'] as const),
      requiredCapacity: fc.option(fc.integer({ min: 0, max: 60 })),
      maxCapacity: fc.option(fc.integer({ min: 0, max: 60 })),
      weightedRatio: fc.constantFrom(1, 1.2, 1.5),
      steeringWeight: fc.constantFrom(0, 0.5),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (overrides) => {
        const entries = overrides.map((o, i) => planEntry({ ...o, flags: [...o.flags], service: `s${i}` }));
        const rank = (e: PlanEntry) => {
          const first = entryRisks(e)[0];
          return first === undefined ? RISK_ORDER.length : RISK_ORDER.indexOf(first);
        };
        const shortfall = (e: PlanEntry) => (e.requiredCapacity ?? 0) - (e.maxCapacity ?? Number.POSITIVE_INFINITY);
        const expected = entries
          .map((e, i) => ({ e, i, rank: rank(e) }))
          .sort((a, b) => {
            if (a.rank !== b.rank) return a.rank - b.rank;
            if (a.rank === RISK_ORDER.length) return a.i - b.i;
            return shortfall(b.e) - shortfall(a.e) || b.e.weightedRatio - a.e.weightedRatio || a.i - b.i;
          })
          .map((x) => x.e.service);
        expect(orderByRisk(entries).map((e) => e.service)).toEqual(expected);
      }),
    );
  });

  test('the footer names each risk and says what to do', () => {
    const p = plan({ services: [planEntry(), exceedingEntry(64, 48, { service: 'tv-ui-gateway', region: 'us-east-1' })] });
    const text = renderPlanTable(p);
    expect(text).toContain(
      'To do (1 risk, most urgent first):\n!! tv-ui-gateway in us-east-1 needs 64 but its MaxCapacity is 48: raise MaxCapacity of tv-ui-gateway in us-east-1 to 64, or set allowMaxIncrease in its config',
    );
    expect(renderPlanTable(plan({ services: [planEntry()] }))).toContain('No risky entries');
    expect(riskAction(planEntry({ flags: ['low-samples'], ci95: [1.4, 1.9], traceSamples: 40 }), 'low-confidence')).toBe(
      'authz in us-east-1: low confidence (95% CI 1.400-1.900, 40 traces): to be safe, plan 21 (the upper bound) instead of 17',
    );
  });

  test('wrapLine cuts prose at spaces and indents the rest under the text', () => {
    expect(wrapLine('!! one two three four', 10)).toEqual(['!! one two', '   three', '   four']);
    expect(wrapLine('short', 10)).toEqual(['short']);
  });
});

describe('evac plan on a terminal', () => {
  const run = async (argv: string[], io: ReturnType<typeof tty>) => {
    const { main } = await import('../../cli/main.ts');
    let stdout = '';
    // 02:15 UTC: the hour at which tv-ui-gateway in us-east-1 cannot reach its required capacity.
    const code = await main(['plan', '--at', '2026-11-23T02:15:00Z', ...argv], {
      stdout: { write: (t: string) => (stdout += t), ...io.stdout },
      stderr: { write: () => true },
      env: io.env,
      now: () => Date.parse('2026-11-23T18:00:00Z') / 1000,
    });
    return { code, stdout };
  };

  test.each([
    ['us-west-2', '0'],
    ['us-west-2', '240'],
    ['us-east-1', '0'],
    ['eu-west-1', '600'],
  ])('at 80 columns no line of the plan of %s (--window %s) wraps, and target and required stay', async (failed, window) => {
    const r = await run(['-f', failed, '--window', window], tty(80));
    expect(r.code).toBe(0);
    const plain = stripVTControlCharacters(r.stdout);
    expect(plain.split('\n').filter((l) => l.length > 80)).toEqual([]);
    expect(plain).toMatch(/min -> target\s+required/);
    if (window !== '0') expect(plain).toMatch(/worst at/);
  });

  test('colours risky rows on a terminal, never under NO_COLOR or when piped', async () => {
    expect((await run(['-f', 'us-west-2'], tty(200))).stdout).toContain('\u001b[31m!!  tv-ui-gateway');
    expect((await run(['-f', 'us-west-2'], tty(200, { NO_COLOR: '1' }))).stdout).not.toContain('\u001b[');
    expect((await runCli(['plan', '-f', 'us-west-2', '--at', '2026-11-23T02:15:00Z'])).stdout).not.toContain('\u001b[');
  });

  test('with --window each row says when its worst bucket starts', async () => {
    const r = await run(['-f', 'us-west-2', '--window', '240'], tty(200));
    expect(r.stdout).toMatch(/!!\s+tv-ui-gateway\s+us-east-1\s+02:45\s+1\.599/);
  });
});
