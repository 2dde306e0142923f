import { bucketLabel } from '../model/bucket.ts';
import type { Report } from './report-schema.ts';
import { scenarioEntries, scenarioTitle } from './report-view.ts';

/**
 * Escapes text for an XML attribute value or element content: & < > " ' become entities,
 * and characters XML 1.0 cannot carry at all, even escaped, become U+FFFD.
 * @example escapeXml('a<b & "c"') // 'a&lt;b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return xmlChars(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

/**
 * The report as JUnit XML, for CI systems that show test results natively (GitLab, Jenkins,
 * GitHub test reporters): one <testsuite> per scenario ("us-west-2 fails"), one <testcase>
 * per service-region planned in it, and a <failure> where the entry fails the gate (its
 * type: the gating flags; its message: what is wrong).
 */
export function renderReportJunit(report: Report): string {
  const attrs = (pairs: Record<string, string | number>) =>
    Object.entries(pairs)
      .map(([k, v]) => ` ${k}="${escapeXml(String(v)).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`)}"`)
      .join('');
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const tests = report.scenarios.reduce((n, s) => n + scenarioEntries(s).length, 0);
  const failures = report.scenarios.reduce((n, s) => n + s.failures.length, 0);
  lines.push(`<testsuites${attrs({ name: 'evac evacuation readiness', tests, failures, errors: 0, time: 0 })}>`);
  for (const s of report.scenarios) {
    const entries = scenarioEntries(s);
    const failed = new Map(s.failures.map((f) => [`${f.service}\u0000${f.region}`, f]));
    lines.push(
      `  <testsuite${attrs({ name: scenarioTitle(s.failedRegion), tests: entries.length, failures: s.failures.length, errors: 0, skipped: 0, time: 0, timestamp: report.generatedAt.replace(/\.\d+Z$/, '') })}>`,
    );
    lines.push('    <properties>');
    lines.push(`      <property${attrs({ name: 'verdict', value: s.ready ? 'ready' : 'not ready' })}/>`);
    lines.push(`      <property${attrs({ name: 'reason', value: s.reason })}/>`);
    for (const r of s.receivingRegions) {
      lines.push(
        `      <property${attrs({ name: `receiving.${r.region}`, value: `${r.steeringWeight}${r.peakBucket === null ? '' : ` at bucket ${r.peakBucket}`}` })}/>`,
      );
    }
    lines.push('    </properties>');
    for (const e of entries) {
      const head = `    <testcase${attrs({ classname: `evac.${s.failedRegion}`, name: `${e.service} in ${e.region}`, time: 0 })}`;
      const f = failed.get(`${e.service}\u0000${e.region}`);
      if (!f) {
        lines.push(`${head}/>`);
        continue;
      }
      lines.push(`${head}>`);
      lines.push(
        `      <failure${attrs({ type: f.flags.join(' '), message: f.message })}>${escapeXml(failureDetail(s.failedRegion, e.bucket, report.bucketMinutes, f.message))}</failure>`,
      );
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function failureDetail(failedRegion: string, bucket: number, bucketMinutes: number, message: string): string {
  return `If ${failedRegion} fails, planned at bucket ${bucket} (${bucketLabel(bucket, bucketMinutes)} UTC): ${message}`;
}

/** The text with every character outside XML 1.0's Char production (most C0 controls, lone surrogates, U+FFFE, U+FFFF) replaced by U+FFFD. */
function xmlChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
    out += ok ? ch : '\uFFFD';
  }
  return out;
}
