import { describe, expect, test } from 'vitest';
import { renderPlanMarkdown, renderPlanTable } from '../../src/report/plan-text.ts';
import { plan } from '../support/report-builders.ts';

describe('plan renderers', () => {
  test('warn loudly when the failed region itself could not be read', () => {
    const p = plan({ failedRegion: 'us-west-2', unreachableRegions: [{ region: 'us-west-2', reason: 'no answer within 1500 ms' }] });
    expect(renderPlanTable(p)).toContain(
      '! us-west-2, the failed region, could not be read (no answer within 1500 ms): the ratios below count its traffic as 0 and UNDER-PLAN every service.',
    );
    expect(renderPlanMarkdown(p)).toContain('> **us-west-2, the failed region, could not be read');
  });

  test('name an unreachable healthy region and its flag', () => {
    const p = plan({ failedRegion: 'us-west-2', unreachableRegions: [{ region: 'eu-west-1', reason: 'connect ECONNREFUSED' }] });
    expect(renderPlanTable(p)).toContain('! eu-west-1 unreachable (connect ECONNREFUSED): its entries are flagged region-unreachable');
  });
});
