import { describe, expect, test } from 'vitest';
import type { PlanEntry } from '../../src/report/plan-schema.ts';
import { compareReports } from '../../src/report/report-diff.ts';
import { gateFailures } from '../../src/report/report-gate.ts';
import type { Scenario } from '../../src/report/report-schema.ts';
import { exceedingEntry, plan, planEntry, report, scenario } from '../support/report-builders.ts';

/** A scenario whose gate results follow its entries (exceeds-max gate). */
function scenarioOf(entries: PlanEntry[], overrides: Partial<Scenario> = {}): Scenario {
  const failures = gateFailures(entries, ['exceeds-max']);
  return scenario({ plans: [plan({ services: entries })], failures, ready: failures.length === 0, ...overrides });
}

describe('compareReports', () => {
  test('reports nothing between identical reports', () => {
    const r = report();
    const diff = compareReports(r, r);
    expect(diff).toMatchObject({ verdictChanges: [], added: [], removed: [], changed: [], notes: [] });
  });

  test('lists a weighted ratio only when it moved by more than the threshold', () => {
    const base = report({ scenarios: [scenarioOf([planEntry({ service: 'a', weightedRatio: 1.5 }), planEntry({ service: 'b', weightedRatio: 1.5 })])] });
    const cur = report({ scenarios: [scenarioOf([planEntry({ service: 'a', weightedRatio: 1.56 }), planEntry({ service: 'b', weightedRatio: 1.59 })])] });
    const diff = compareReports(base, cur, { threshold: 0.05 });
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0]).toMatchObject({ service: 'b', changes: [{ field: 'weightedRatio', from: 1.5, to: 1.59 }] });
    const [change] = diff.changed[0]?.changes ?? [];
    expect(change?.field === 'weightedRatio' && change.relative).toBeCloseTo(0.06, 12);
    expect(compareReports(base, cur, { threshold: 0.03 }).changed.map((c) => c.service)).toEqual(['a', 'b']);
  });

  test('lists any change of required, target min and max capacity, and of the gate', () => {
    const base = report({ scenarios: [scenarioOf([exceedingEntry(33, 12, { service: 'drm-fairplay', targetMinCapacity: 12 })])] });
    const cur = report({
      scenarios: [scenarioOf([planEntry({ service: 'drm-fairplay', requiredCapacity: 33, maxCapacity: 40, targetMaxCapacity: 40, targetMinCapacity: 33 })])],
    });
    const diff = compareReports(base, cur);
    expect(diff.changed).toEqual([
      {
        failedRegion: 'us-west-2',
        service: 'drm-fairplay',
        region: 'us-east-1',
        bucket: { from: 10, to: 10 },
        changes: [
          { field: 'targetMinCapacity', from: 12, to: 33 },
          { field: 'maxCapacity', from: 12, to: 40 },
          { field: 'gateFailures', from: ['exceeds-max'], to: [] },
        ],
      },
    ]);
    expect(diff.verdictChanges).toEqual([{ failedRegion: 'us-west-2', from: 'not-ready', to: 'ready' }]);
  });

  test('a capacity becoming unknown is a change', () => {
    const diff = compareReports(report(), report({ scenarios: [scenarioOf([planEntry({ maxCapacity: null })])] }));
    expect(diff.changed[0]?.changes).toEqual([{ field: 'maxCapacity', from: 100, to: null }]);
  });

  test('lists entries and scenarios that appear or disappear', () => {
    const base = report({ scenarios: [scenarioOf([planEntry({ service: 'old' }), planEntry({ service: 'kept' })])] });
    const cur = report({
      scenarios: [
        scenarioOf([planEntry({ service: 'kept' }), planEntry({ service: 'new' })]),
        scenarioOf([planEntry({ service: 'kept', region: 'us-west-2' })], { failedRegion: 'eu-west-1' }),
      ],
    });
    const diff = compareReports(base, cur);
    expect(diff.added).toEqual([
      { failedRegion: 'us-west-2', service: 'new', region: 'us-east-1' },
      { failedRegion: 'eu-west-1', service: 'kept', region: 'us-west-2' },
    ]);
    expect(diff.removed).toEqual([{ failedRegion: 'us-west-2', service: 'old', region: 'us-east-1' }]);
    expect(diff.verdictChanges).toEqual([{ failedRegion: 'eu-west-1', from: 'absent', to: 'ready' }]);
  });

  test('notes a baseline made with another mode or gate', () => {
    const diff = compareReports(report({ mode: 'all-buckets' }), report({ gate: { failOn: ['exceeds-max', 'low-samples'], wideInterval: 0.1 } }));
    expect(diff.notes).toEqual([
      expect.stringContaining('mode all-buckets'),
      expect.stringContaining('the baseline gated on exceeds-max, this report on exceeds-max, low-samples'),
    ]);
  });
});
