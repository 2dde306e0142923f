import { describe, expect, test } from 'vitest';
import { gateFailures } from '../../src/report/report-gate.ts';
import { escapeXml, renderReportJunit } from '../../src/report/report-junit.ts';
import { exceedingEntry, plan, planEntry, report, scenario } from '../support/report-builders.ts';

describe('escapeXml', () => {
  test('escapes the five XML special characters', () => {
    expect(escapeXml(`a<b & "c" 'd' >`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;');
  });

  test('escapes an ampersand once, even before what looks like an entity', () => {
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
  });

  test('replaces characters XML 1.0 cannot carry, keeping tabs, newlines and astral characters', () => {
    expect(escapeXml('a\u0000b\u0008c\u001Fd\uFFFEe\uD800f')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
    expect(escapeXml('\t\n\r é 😀')).toBe('\t\n\r é 😀');
  });
});

describe('renderReportJunit', () => {
  const failing = exceedingEntry(33, 12, { service: 'drm-fairplay', currentCapacity: 6, weightedRatio: 5 });
  const r = report({
    scenarios: [
      scenario({
        plans: [plan({ services: [planEntry(), failing] })],
        failures: gateFailures([failing], ['exceeds-max']),
        ready: false,
        reason: '1 of 2 fails',
      }),
      scenario({ failedRegion: 'eu-west-1', plans: [plan({ failedRegion: 'eu-west-1', services: [planEntry({ region: 'us-west-2' })] })] }),
    ],
  });
  const xml = renderReportJunit(r);

  test('has one testsuite per scenario and one testcase per service-region', () => {
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="evac evacuation readiness" tests="3" failures="1"/);
    expect(xml).toContain('<testsuite name="us-west-2 fails" tests="2" failures="1" errors="0" skipped="0"');
    expect(xml).toContain('<testsuite name="eu-west-1 fails" tests="1" failures="0"');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testcase classname="evac.us-west-2" name="authz in us-east-1" time="0"/>');
  });

  test('gives a failing service-region a <failure> with the gating flags and the message', () => {
    expect(xml).toContain(
      '<failure type="exceeds-max" message="exceeds-max: needs 33 (6 x ratio 5.000 x 1.10 headroom) but MaxCapacity is 12: short by 21">If us-west-2 fails, planned at bucket 10 (10:00 UTC): exceeds-max',
    );
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });

  test('escapes every name and message', () => {
    const odd = exceedingEntry(20, 10, { service: 'a<b&"c"\u0001' });
    const x = renderReportJunit(
      report({
        scenarios: [
          scenario({ plans: [plan({ services: [odd] })], failures: gateFailures([odd], ['exceeds-max']), ready: false, reason: 'x < y & "z"\nnext' }),
        ],
      }),
    );
    expect(x).toContain('name="a&lt;b&amp;&quot;c&quot;\uFFFD in us-east-1"');
    expect(x).toContain('value="x &lt; y &amp; &quot;z&quot;&#10;next"');
    expect(x).not.toMatch(/="[^"]*<[^"]*"/);
    expect(x).not.toContain('\u0001');
    // every & starts an entity
    expect(x.match(/&(?!(amp|lt|gt|quot|apos|#\d+);)/g)).toBeNull();
  });
});
