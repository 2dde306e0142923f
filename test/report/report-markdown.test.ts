import { describe, expect, test } from 'vitest';
import { compareReports } from '../../src/report/report-diff.ts';
import { gateFailures } from '../../src/report/report-gate.ts';
import { describeChange, renderReportMarkdown } from '../../src/report/report-markdown.ts';
import { exceedingEntry, plan, planEntry, report, scenario } from '../support/report-builders.ts';

const failing = exceedingEntry(33, 12, { service: 'drm-fairplay', currentCapacity: 6, weightedRatio: 5, bucket: 11 });
const notReady = scenario({
  plans: [plan({ services: [planEntry(), failing] })],
  failures: gateFailures([failing], ['exceeds-max']),
  ready: false,
  reason: '1 of 2 service-regions fails the gate: exceeds-max 1 (drm-fairplay in us-east-1 short by 21)',
  idleRegions: ['sa-east-1'],
});

describe('renderReportMarkdown', () => {
  test('leads with the verdict and a line per scenario with its reason and peak buckets', () => {
    const md = renderReportMarkdown(report({ scenarios: [notReady, scenario({ failedRegion: 'eu-west-1' })] }));
    expect(md).toMatch(/^# Evacuation readiness: not ready\n\n\*\*Not ready: 1 of 2 scenarios fails the gate\.\*\* Gate: `exceeds-max`/);
    expect(md).toContain(
      '- **us-west-2 fails: not ready**: 1 of 2 service-regions fails the gate: exceeds-max 1 (drm-fairplay in us-east-1 short by 21). Receiving (share, peak bucket UTC): us-east-1 80% at 10:00. Not steered any: sa-east-1.',
    );
    expect(md).toContain('- **eu-west-1 fails: ready**: all 1 service-regions pass the gate (exceeds-max).');
  });

  test('tables the service-regions that would not reach their required capacity', () => {
    const md = renderReportMarkdown(report({ scenarios: [notReady] }));
    expect(md).toContain('| if this fails | service | region | bucket (UTC) | ratio | current | required | max | shortfall |');
    expect(md).toContain('| us-west-2 | drm-fairplay | us-east-1 | 11:00 | 5.000 | 6 | 33 | 12 | 21 |');
  });

  test('says so when every scenario is ready and nothing is mis-scaled or uncertain', () => {
    const md = renderReportMarkdown(report());
    expect(md).toMatch(/^# Evacuation readiness: ready\n\n\*\*Ready: the only scenario passes the gate\.\*\*/);
    expect(md).toContain('None: every planned service-region fits within its MaxCapacity.');
    expect(md).toContain('would miss by more than 5% in **0** of 1 service-regions');
    expect(md).toContain('## Low confidence\n\nNone:');
    expect(md).not.toContain('Changes since the baseline');
  });

  test('ranks mis-scaled service-regions by |uniform error|, under- and over-scaled together', () => {
    const entries = [
      planEntry({ service: 'under', weightedRatio: 2, uniformRatio: 1.5, uniformError: -0.25 }),
      planEntry({ service: 'over', weightedRatio: 1, uniformRatio: 1.4, uniformError: 0.4 }),
      planEntry({ service: 'fine', uniformError: 0.01 }),
    ];
    const md = renderReportMarkdown(report({ scenarios: [scenario({ plans: [plan({ services: entries })] })] }));
    const section = md.slice(md.indexOf('## Where uniform'), md.indexOf('## Low confidence'));
    expect(section).toContain('in **2** of 3 service-regions');
    expect(section.indexOf('| over |')).toBeLessThan(section.indexOf('| under |'));
    expect(section).toContain('| us-west-2 | under | us-east-1 | 2.000 | 1.500 | -25.0% under-scales | 17 / 17 |');
    expect(section).not.toContain('| fine |');
  });

  test('folds low-confidence service-regions across scenarios', () => {
    const low = { service: 'search', region: 'us-east-1', bucket: 10, traceSamples: 40, weightedRatio: 2, relativeHalfWidth: 0.2 };
    const md = renderReportMarkdown(
      report({
        scenarios: [
          scenario({ lowConfidence: [{ ...low, reasons: ['pooled-buckets'] }] }),
          scenario({ failedRegion: 'eu-west-1', lowConfidence: [{ ...low, reasons: ['wide-interval'], traceSamples: 30, relativeHalfWidth: 0.25 }] }),
        ],
      }),
    );
    expect(md).toContain('| search | us-east-1 | pooled-buckets wide-interval | 30 | ±25.0% | us-west-2, eu-west-1 |');
  });

  test('shows what changed since the baseline', () => {
    const base = report({ scenarios: [notReady] });
    const fixed = planEntry({
      service: 'drm-fairplay',
      weightedRatio: 5,
      requiredCapacity: 33,
      maxCapacity: 40,
      targetMaxCapacity: 40,
      targetMinCapacity: 33,
      bucket: 11,
    });
    const cur = report({ scenarios: [scenario({ plans: [plan({ services: [planEntry(), fixed] })] })] });
    const md = renderReportMarkdown({ ...cur, comparison: compareReports(base, cur) });
    expect(md).toContain('## Changes since the baseline');
    expect(md).toContain('- **us-west-2 fails**: not ready -> **ready**');
    expect(md).toContain('| us-west-2 | drm-fairplay | us-east-1 | 11:00 | target min 12 -> 33; max 12 -> 40; gate exceeds-max -> pass |');
  });

  test('says when nothing changed since the baseline', () => {
    const r = report();
    expect(renderReportMarkdown({ ...r, comparison: compareReports(r, r) })).toContain('No change beyond the thresholds.');
  });
});

describe('describeChange', () => {
  test('writes ratios with their relative move and capacities as before -> after', () => {
    expect(describeChange({ field: 'weightedRatio', from: 1.5, to: 1.65, relative: 0.1 })).toBe('ratio 1.500 -> 1.650 (+10.0%)');
    expect(describeChange({ field: 'requiredCapacity', from: null, to: 12 })).toBe('required ? -> 12');
    expect(describeChange({ field: 'gateFailures', from: [], to: ['exceeds-max', 'low-samples'] })).toBe('gate pass -> exceeds-max low-samples');
  });
});
