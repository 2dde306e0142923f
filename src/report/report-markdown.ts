import { bucketLabel } from '../model/bucket.ts';
import { compareNames } from '../model/name-order.ts';
import { PLAN_FLAGS, type PlanEntry } from './plan-schema.ts';
import { MISSCALE_THRESHOLD, pct, ratio, summarizePlan, uniformVerdict } from './plan-view.ts';
import { shortfall } from './report-gate.ts';
import type { CapacityTotal, EntryChange, LowConfidence, Report, ReportDiff, Scenario } from './report-schema.ts';
import { reportHeadline, scenarioTitle, verdictWords } from './report-view.ts';
import { type Column, renderMarkdownTable } from './text-table.ts';

/** Rows each table shows before pointing at report.json for the rest. */
const MAX_ROWS = { misscaled: 10, lowConfidence: 20, changes: 50 } as const;

interface Row {
  readonly scenario: Scenario;
  readonly entry: PlanEntry;
}

/**
 * The report as Markdown for a CI job summary or a pull request comment: the overall verdict,
 * a verdict line per scenario with its reason, the service-regions that would not reach
 * their required capacity, where uniform scaling is most wrong, the low-confidence ratios,
 * and what changed since the baseline.
 */
export function renderReportMarkdown(report: Report): string {
  const out: string[] = [];
  const label = (b: number) => `${bucketLabel(b, report.bucketMinutes)}`;
  out.push(`# Evacuation readiness: ${report.ready ? 'ready' : 'not ready'}`, '');
  out.push(`**${capitalize(reportHeadline(report))}.** Gate: ${report.gate.failOn.map((f) => `\`${f}\` (${PLAN_FLAGS[f]})`).join(', ')}.`, '');
  const how =
    report.mode === 'peak-bucket'
      ? "Each scenario plans every receiving region at its peak bucket: the time of day (UTC) when its traffic plus its share of the failed region's is highest."
      : 'Each scenario plans every service-region at its worst bucket of the day (--all-buckets).';
  out.push(`${how} Data: ${report.source}, ${report.lookbackDays} days to ${report.dataEnd}.`, '');
  for (const w of report.warnings) out.push(`> **Warning:** ${w}`, '');

  out.push('## Verdicts', '');
  for (const s of report.scenarios) {
    const receiving = s.receivingRegions
      .map((r) => `${r.region} ${(r.steeringWeight * 100).toFixed(0)}%${r.peakBucket === null ? '' : ` at ${label(r.peakBucket)}`}`)
      .join(', ');
    const unreachable = unique(s.plans.flatMap((p) => p.unreachableRegions.map((u) => u.region)));
    const notes = [
      receiving ? `Receiving${report.mode === 'peak-bucket' ? ' (share, peak bucket UTC)' : ''}: ${receiving}.` : '',
      s.idleRegions.length ? `Not steered any: ${s.idleRegions.join(', ')}.` : '',
      unreachable.length ? `Unreachable: ${unreachable.join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join(' ');
    out.push(`- **${scenarioTitle(s.failedRegion)}: ${verdictWords(s.ready ? 'ready' : 'not-ready')}**: ${s.reason}.${notes ? ` ${notes}` : ''}`);
  }
  if (report.scenarios.length === 0) out.push('- No scenario: no region has a steering entry.');
  out.push('');

  const rows = report.scenarios.flatMap((scenario) => scenario.plans.flatMap((plan) => summarizePlan(plan).exceedsMax.map((entry) => ({ scenario, entry }))));
  out.push('## Would not reach the required capacity (exceeds-max)', '');
  if (rows.length === 0) out.push('None: every planned service-region fits within its MaxCapacity.', '');
  else {
    rows.sort((a, b) => shortfall(b.entry) - shortfall(a.entry) || compareNames(a.entry.service, b.entry.service));
    out.push(
      renderMarkdownTable<Row>({
        columns: [
          ...SCENARIO_COLUMNS,
          { header: 'bucket (UTC)', value: (r) => label(r.entry.bucket), align: 'right' },
          { header: 'ratio', value: (r) => ratio(r.entry.weightedRatio), align: 'right' },
          { header: 'current', value: (r) => num(r.entry.currentCapacity), align: 'right' },
          { header: 'required', value: (r) => num(r.entry.requiredCapacity), align: 'right' },
          { header: 'max', value: (r) => num(r.entry.targetMaxCapacity ?? r.entry.maxCapacity), align: 'right' },
          { header: 'shortfall', value: (r) => String(shortfall(r.entry)), align: 'right' },
        ],
        rows,
      }),
      '',
    );
  }

  const other = report.scenarios.flatMap((scenario) => scenario.failures.filter((f) => f.flags.some((x) => x !== 'exceeds-max')).map((f) => ({ scenario, f })));
  if (other.length > 0) {
    out.push('## Other gate failures', '');
    out.push(
      renderMarkdownTable({
        columns: [
          { header: 'if this fails', value: (r) => r.scenario.failedRegion },
          { header: 'service', value: (r) => r.f.service },
          { header: 'region', value: (r) => r.f.region },
          { header: 'flags', value: (r) => r.f.flags.join(' ') },
        ],
        rows: other,
      }),
      '',
      ...unique(other.flatMap((r) => r.f.flags)).map((f) => `- \`${f}\`: ${PLAN_FLAGS[f]}`),
      '',
    );
  }

  const misscaled = report.scenarios
    .flatMap((scenario) =>
      scenario.plans.flatMap((plan) => {
        const s = summarizePlan(plan);
        return [...s.underScaled, ...s.overScaled].map((entry) => ({ scenario, entry }));
      }),
    )
    .sort((a, b) => Math.abs(b.entry.uniformError) - Math.abs(a.entry.uniformError));
  if (report.capacityTotals.length > 0) {
    out.push('## Fleet growth by receiving region', '');
    out.push('Capacity summed over the services with a known capacity: check cluster size, quotas and reservations against it.', '');
    out.push(
      renderMarkdownTable<CapacityTotal>({
        columns: [
          { header: 'if this fails', value: (t) => t.failedRegion },
          { header: 'receiving region', value: (t) => t.region },
          { header: 'services', value: (t) => String(t.services), align: 'right' },
          { header: 'current', value: (t) => String(t.currentCapacity), align: 'right' },
          { header: 'required', value: (t) => String(t.requiredCapacity), align: 'right' },
          { header: 'growth', value: (t) => (t.currentCapacity > 0 ? pct(t.requiredCapacity / t.currentCapacity - 1) : 'n/a'), align: 'right' },
          { header: 'new min (capped at max)', value: (t) => String(t.targetMinCapacity), align: 'right' },
          { header: 'largest ratio', value: (t) => ratio(t.maxWeightedRatio), align: 'right' },
        ],
        rows: report.capacityTotals,
      }),
      '',
    );
  }

  out.push('## Where uniform scaling is most wrong', '');
  out.push(
    `Scaling every service by the region's total traffic ratio instead of its own device mix would miss by more than ${(MISSCALE_THRESHOLD * 100).toFixed(0)}% in **${misscaled.length}** of ${report.summary.entries} service-regions across the scenarios (largest misses first).`,
    '',
  );
  if (misscaled.length > 0) {
    out.push(
      renderMarkdownTable<Row>({
        columns: [
          ...SCENARIO_COLUMNS,
          { header: 'weighted', value: (r) => ratio(r.entry.weightedRatio), align: 'right' },
          { header: 'uniform', value: (r) => ratio(r.entry.uniformRatio), align: 'right' },
          { header: 'uniform error', value: (r) => `${pct(r.entry.uniformError)} ${uniformVerdict(r.entry)}`, align: 'right' },
          {
            header: 'capacity (weighted / uniform)',
            value: (r) => `${num(r.entry.requiredCapacity)} / ${num(r.entry.uniformRequiredCapacity)}`,
            align: 'right',
          },
        ],
        rows: misscaled.slice(0, MAX_ROWS.misscaled),
      }),
      '',
      ...more(misscaled.length, MAX_ROWS.misscaled),
    );
  }

  const low = lowConfidenceRows(report);
  out.push('## Low confidence', '');
  if (low.length === 0) out.push('None: every ratio rests on enough traces in its own bucket, with a narrow interval.', '');
  else {
    out.push(
      `Ratios resting on few or pooled traces, on the uniform stand-in for a device type the region has no traffic of (device-ratio-fallback), or with a 95% interval wider than ±${(report.gate.wideInterval * 100).toFixed(0)}% of the ratio (wide-interval). Check their traceName and sampling.`,
      '',
      renderMarkdownTable({
        columns: [
          { header: 'service', value: (r) => r.service },
          { header: 'region', value: (r) => r.region },
          { header: 'why', value: (r) => r.reasons.join(' ') },
          { header: 'traces', value: (r) => String(Math.round(r.minTraces)), align: 'right' },
          { header: '95% CI', value: (r) => `±${(r.maxHalfWidth * 100).toFixed(1)}%`, align: 'right' },
          { header: 'if these fail', value: (r) => r.scenarios.join(', ') },
        ],
        rows: low.slice(0, MAX_ROWS.lowConfidence),
      }),
      '',
      ...more(low.length, MAX_ROWS.lowConfidence),
    );
  }

  if (report.comparison) out.push(...renderDiff(report.comparison, report.bucketMinutes));
  return `${out.join('\n').trimEnd()}\n`;
}

const SCENARIO_COLUMNS: readonly Column<Row>[] = [
  { header: 'if this fails', value: (r) => r.scenario.failedRegion },
  { header: 'service', value: (r) => r.entry.service },
  { header: 'region', value: (r) => r.entry.region },
];

interface LowRow {
  readonly service: string;
  readonly region: string;
  readonly reasons: readonly string[];
  readonly minTraces: number;
  readonly maxHalfWidth: number;
  readonly scenarios: readonly string[];
}

/** Low-confidence entries folded per service-region across scenarios, the widest first. */
function lowConfidenceRows(report: Report): LowRow[] {
  const rows = new Map<string, { service: string; region: string; reasons: Set<string>; minTraces: number; maxHalfWidth: number; scenarios: string[] }>();
  for (const s of report.scenarios) {
    for (const l of s.lowConfidence as readonly LowConfidence[]) {
      const k = `${l.service}\u0000${l.region}`;
      const row = rows.get(k) ?? { service: l.service, region: l.region, reasons: new Set(), minTraces: l.traceSamples, maxHalfWidth: 0, scenarios: [] };
      for (const r of l.reasons) row.reasons.add(r);
      row.minTraces = Math.min(row.minTraces, l.traceSamples);
      row.maxHalfWidth = Math.max(row.maxHalfWidth, l.relativeHalfWidth);
      if (!row.scenarios.includes(s.failedRegion)) row.scenarios.push(s.failedRegion);
      rows.set(k, row);
    }
  }
  return [...rows.values()]
    .map((r) => ({ ...r, reasons: [...r.reasons] }))
    .sort((a, b) => b.maxHalfWidth - a.maxHalfWidth || compareNames(a.service, b.service) || compareNames(a.region, b.region));
}

function renderDiff(diff: ReportDiff, bucketMinutes: number): string[] {
  const out = ['## Changes since the baseline', ''];
  out.push(
    `Baseline: ${diff.baseline.source}, data to ${diff.baseline.dataEnd}, made ${diff.baseline.generatedAt}. Ratios are listed when they moved by more than ${(diff.threshold * 100).toFixed(1)}%; capacities on any change.`,
    '',
  );
  for (const n of diff.notes) out.push(`> Note: ${n}.`, '');
  const nothing = diff.verdictChanges.length + diff.added.length + diff.removed.length + diff.changed.length === 0;
  if (nothing) {
    out.push('No change beyond the thresholds.', '');
    return out;
  }
  for (const v of diff.verdictChanges) out.push(`- **${scenarioTitle(v.failedRegion)}**: ${verdictWords(v.from)} -> **${verdictWords(v.to)}**`);
  if (diff.verdictChanges.length > 0) out.push('');
  const refs = (xs: ReportDiff['added']) => xs.map((r) => `${r.service} in ${r.region} (if ${r.failedRegion} fails)`).join(', ');
  if (diff.added.length > 0) out.push(`- Added: ${refs(diff.added)}`);
  if (diff.removed.length > 0) out.push(`- Removed: ${refs(diff.removed)}`);
  if (diff.added.length + diff.removed.length > 0) out.push('');
  if (diff.changed.length > 0) {
    out.push(
      renderMarkdownTable({
        columns: [
          { header: 'if this fails', value: (c) => c.failedRegion },
          { header: 'service', value: (c) => c.service },
          { header: 'region', value: (c) => c.region },
          {
            header: 'bucket (UTC)',
            value: (c) =>
              c.bucket.from === c.bucket.to
                ? bucketLabel(c.bucket.to, bucketMinutes)
                : `${bucketLabel(c.bucket.from, bucketMinutes)} -> ${bucketLabel(c.bucket.to, bucketMinutes)}`,
          },
          { header: 'change', value: (c) => c.changes.map(describeChange).join('; ') },
        ],
        rows: diff.changed.slice(0, MAX_ROWS.changes),
      }),
      '',
      ...more(diff.changed.length, MAX_ROWS.changes),
    );
  }
  return out;
}

const FIELD_NAMES = { requiredCapacity: 'required', targetMinCapacity: 'target min', maxCapacity: 'max' } as const;

/** One change as "max 12 -> 40", "ratio 1.349 -> 1.512 (+12.1%)" or "gate pass -> exceeds-max". */
export function describeChange(c: EntryChange): string {
  switch (c.field) {
    case 'weightedRatio':
      return `ratio ${ratio(c.from)} -> ${ratio(c.to)} (${Number.isFinite(c.relative) ? pct(c.relative) : 'from 0'})`;
    case 'gateFailures':
      return `gate ${c.from.join(' ') || 'pass'} -> ${c.to.join(' ') || 'pass'}`;
    default:
      return `${FIELD_NAMES[c.field]} ${num(c.from)} -> ${num(c.to)}`;
  }
}

function more(total: number, shown: number): string[] {
  return total > shown ? [`... and ${total - shown} more in report.json.`, ''] : [];
}

function num(x: number | null): string {
  return x === null ? '?' : String(x);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
