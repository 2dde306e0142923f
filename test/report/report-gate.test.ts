import { describe, expect, test } from 'vitest';
import { PLAN_FLAGS } from '../../src/report/plan-schema.ts';
import { gateFailures, parseFailOn, scenarioReason, shortfall } from '../../src/report/report-gate.ts';
import { exceedingEntry, planEntry } from '../support/report-builders.ts';

describe('parseFailOn', () => {
  test('defaults to exceeds-max, no-history, unbounded-ratio and zero-capacity when no flag is given', () => {
    expect(parseFailOn([])).toEqual({ ok: true, data: ['exceeds-max', 'no-history', 'unbounded-ratio', 'zero-capacity'] });
  });

  test('reads comma lists and repeated options, dropping duplicates', () => {
    expect(parseFailOn(['exceeds-max,low-samples', ' no-traces ', 'low-samples'])).toEqual({ ok: true, data: ['exceeds-max', 'low-samples', 'no-traces'] });
  });

  test('names the unknown flags and every allowed one', () => {
    const r = parseFailOn(['exceeds-max,exceed-max,bogus']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('unknown flags "exceed-max", "bogus"');
    for (const flag of Object.keys(PLAN_FLAGS)) expect(r.message).toContain(flag);
  });

  test('an empty value is not a flag', () => {
    expect(parseFailOn(['']).ok).toBe(false);
  });
});

describe('gateFailures', () => {
  test('fails only entries carrying a gating flag, with the shortfall in the message', () => {
    const entries = [
      exceedingEntry(33, 12, { service: 'drm-fairplay', currentCapacity: 6, weightedRatio: 5 }),
      planEntry({ service: 'authz', flags: ['low-samples'] }),
    ];
    const failures = gateFailures(entries, ['exceeds-max']);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ service: 'drm-fairplay', region: 'us-east-1', bucket: 10, flags: ['exceeds-max'], shortfall: 21 });
    expect(failures[0]?.message).toBe('exceeds-max: needs 33 (6 x ratio 5.000 x 1.10 headroom) but MaxCapacity is 12: short by 21');
  });

  test('gates on any plan flag it is told to, explaining it with the flag legend', () => {
    const failures = gateFailures([planEntry({ flags: ['pooled-buckets', 'low-samples'] })], ['exceeds-max', 'low-samples']);
    expect(failures).toEqual([expect.objectContaining({ flags: ['low-samples'], shortfall: null, message: `low-samples: ${PLAN_FLAGS['low-samples']}` })]);
  });

  test('passes every entry when none carries a gating flag', () => {
    expect(gateFailures([planEntry(), planEntry({ flags: ['no-demand-data'] })], ['exceeds-max'])).toEqual([]);
  });
});

describe('shortfall', () => {
  test('is required minus the target max, and 0 when it fits or is unknown', () => {
    expect(shortfall(exceedingEntry(33, 12))).toBe(21);
    expect(shortfall(planEntry())).toBe(0);
    expect(shortfall(planEntry({ requiredCapacity: null }))).toBe(0);
  });
});

describe('scenarioReason', () => {
  test('names the failing service-regions by flag', () => {
    const failures = gateFailures([exceedingEntry(33, 12, { service: 'a' }), exceedingEntry(61, 50, { service: 'b' })], ['exceeds-max']);
    expect(scenarioReason({ entries: 6, failures, failOn: ['exceeds-max'], receiving: 2 })).toBe(
      '2 of 6 service-regions fail the gate: exceeds-max 2 (a in us-east-1 short by 21, b in us-east-1 short by 11)',
    );
  });

  test('lists three names per flag, then counts the rest', () => {
    const failures = gateFailures(
      ['a', 'b', 'c', 'd', 'e'].map((service) => exceedingEntry(20, 10, { service })),
      ['exceeds-max'],
    );
    expect(scenarioReason({ entries: 9, failures, failOn: ['exceeds-max'], receiving: 1 })).toMatch(
      /^5 of 9 service-regions fail the gate: exceeds-max 5 \(a in .*, c in us-east-1 short by 10, \+2 more\)$/,
    );
  });

  test('says how many passed, or that there was nothing to plan', () => {
    expect(scenarioReason({ entries: 4, failures: [], failOn: ['exceeds-max', 'low-samples'], receiving: 2 })).toBe(
      'all 4 service-regions pass the gate (exceeds-max, low-samples)',
    );
    expect(scenarioReason({ entries: 0, failures: [], failOn: ['exceeds-max'], receiving: 0 })).toMatch(/no healthy region is steered any of its traffic/);
  });
});
