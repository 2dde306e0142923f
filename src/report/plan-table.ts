import { bucketLabel } from '../model/bucket.ts';
import type { Plan, PlanEntry } from './plan-schema.ts';
import { entryRisks, orderByRisk, RISK_LEVEL, type Risk, riskAction, riskMemo } from './plan-risk.ts';
import { compact, pct, ratio, uniformVerdict } from './plan-view.ts';
import { type Column, renderTextTable } from './text-table.ts';

const num = (x: number | null): string => (x === null ? '?' : String(x));

/** `!!` for an entry at high risk (exceeds-max, no history, capacity unknown, unreachable), `!` for low confidence. */
export function riskMark(e: PlanEntry, risksOf: (e: PlanEntry) => readonly Risk[] = entryRisks): string {
  const risks = risksOf(e);
  if (risks.length === 0) return '';
  return risks.some((r) => RISK_LEVEL[r] === 'high') ? '!!' : '!';
}

/**
 * The columns of the terminal plan table. Fitting a terminal drops the least needed first
 * (devices, demand, current, traces, CI, flags, the uniform comparison, max) and then cuts long
 * service names: the ratio, the target (min -> target) and the required capacity always stay.
 * With a window, `worst at` says when each entry's worst bucket starts. `risks`: each entry's
 * risks (see riskMemo).
 */
export function planTableColumns(plan: Plan, risks: (e: PlanEntry) => readonly Risk[] = entryRisks): Column<PlanEntry>[] {
  const worst: Column<PlanEntry>[] = plan.windowMinutes > 0 ? [{ header: 'worst at', value: (e) => bucketLabel(e.bucket, plan.bucketMinutes) }] : [];
  return [
    { header: '!', value: (e) => riskMark(e, risks) },
    { header: 'service', value: (e) => e.service, shrink: true },
    { header: 'region', value: (e) => e.region },
    ...worst,
    { header: 'weighted', value: (e) => ratio(e.weightedRatio), align: 'right' },
    { header: '95% CI', value: (e) => `${ratio(e.ci95[0])}-${ratio(e.ci95[1])}`, align: 'right', dropOrder: 4 },
    { header: 'uniform', value: (e) => ratio(e.uniformRatio), align: 'right', dropOrder: 6 },
    {
      header: 'uniform vs weighted',
      value: (e) => {
        const verdict = uniformVerdict(e);
        return verdict === 'ok' ? pct(e.uniformError) : `${pct(e.uniformError)} ${verdict}`;
      },
      dropOrder: 7,
    },
    { header: 'traces', value: (e) => String(Math.round(e.traceSamples)), align: 'right', dropOrder: 3 },
    { header: 'current', value: (e) => num(e.currentCapacity), align: 'right', dropOrder: 2 },
    { header: 'min -> target', value: (e) => `${num(e.minCapacity)} -> ${num(e.targetMinCapacity)}`, align: 'right' },
    { header: 'required', value: (e) => num(e.requiredCapacity), align: 'right' },
    {
      header: 'max',
      value: (e) =>
        e.targetMaxCapacity !== null && e.targetMaxCapacity !== e.maxCapacity ? `${num(e.maxCapacity)} -> ${e.targetMaxCapacity}` : num(e.maxCapacity),
      align: 'right',
      dropOrder: 8,
    },
    {
      header: 'demand now -> evac',
      value: (e) => (e.demand ? `${compact(e.demand.nominal)} -> ${compact(e.demand.predicted)}` : '?'),
      align: 'right',
      dropOrder: 1,
    },
    {
      header: 'top devices',
      dropOrder: 0,
      value: (e) => {
        let text = '';
        for (let i = 0; i < e.deviceContributions.length && i < 3; i++) {
          const c = e.deviceContributions[i] as PlanEntry['deviceContributions'][number];
          text += `${i > 0 ? ', ' : ''}${c.deviceType} ${(c.share * 100).toFixed(0)}%`;
        }
        return text;
      },
    },
    { header: 'flags', value: (e) => e.flags.join(' '), dropOrder: 5 },
  ];
}

const ANSI = { red: (t: string) => `\u001b[31m${t}\u001b[39m`, yellow: (t: string) => `\u001b[33m${t}\u001b[39m` };

export interface PlanTableOptions {
  /** The terminal's columns: the least needed columns are left out to fit. */
  readonly width?: number;
  /** Colour risky rows (red: high risk, yellow: low confidence). Only on a terminal, never under NO_COLOR. */
  readonly color?: boolean;
}

/** The plan's rows as a to-do list: risky rows first (RISK_ORDER), coloured when asked. `risks`: each entry's risks (see riskMemo). */
export function renderPlanRows(plan: Plan, options: PlanTableOptions = {}, risks: (e: PlanEntry) => readonly Risk[] = riskMemo()): string {
  return renderTextTable({
    columns: planTableColumns(plan, risks),
    rows: orderByRisk(plan.services, risks),
    ...(options.width === undefined ? {} : { maxWidth: options.width }),
    ...(options.color ? { rowStyle: (e: PlanEntry) => ({ '!!': ANSI.red, '!': ANSI.yellow })[riskMark(e, risks)] } : {}),
  });
}

/** At most this many risks are spelled out under the table; the rest are counted. */
export const MAX_RISK_LINES = 12;

/** The footer of the to-do list: each risk of each risky entry, most urgent first, with what to do. `risks`: each entry's risks (see riskMemo). */
export function riskFooter(plan: Plan, risks: (e: PlanEntry) => readonly Risk[] = entryRisks): string[] {
  // Only the lines shown are written out, the rest counted (a big plan has thousands of risks).
  const shown: string[] = [];
  let count = 0;
  for (const e of orderByRisk(plan.services, risks)) {
    for (const r of risks(e)) {
      count += 1;
      if (shown.length < MAX_RISK_LINES) shown.push(`${RISK_LEVEL[r] === 'high' ? '!!' : '! '} ${riskAction(e, r)}`);
    }
  }
  if (count === 0) return ['No risky entries: every target can be reached with confidence.'];
  if (count > shown.length) shown.push(`   ... and ${count - shown.length} more (evac plan --format markdown lists every entry)`);
  return [`To do (${count} risk${count > 1 ? 's' : ''}, most urgent first):`, ...shown];
}

/**
 * One line of prose cut at spaces into lines of at most `width` characters; the continuation
 * lines are indented like the first line's text (after its leading spaces and `!!`/`!` mark).
 * A word longer than the width stands on its own line.
 */
export function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = ' '.repeat(/^[ !]*/.exec(line)?.[0].length ?? 0);
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`;
    if (next.length > width && current.trim() !== '') {
      out.push(current);
      current = `${indent}${word}`;
    } else current = next;
  }
  out.push(current);
  return out;
}
