import type { Plan } from './plan-schema.ts';
import { flagLegend, pct, planHeadline, summarizePlan } from './plan-view.ts';
import { riskMemo } from './plan-risk.ts';
import { type PlanTableOptions, planTableColumns, renderPlanRows, riskFooter, wrapLine } from './plan-table.ts';
import { renderMarkdownTable } from './text-table.ts';

/**
 * The plan as a terminal table and to-do list: risky rows first, a footer that says what to do
 * about each, and a summary of what the uniform approach would get wrong.
 * `width`: the terminal's columns; the least needed columns are left out to fit it.
 */
export function renderPlanTable(plan: Plan, width?: number, options: Omit<PlanTableOptions, 'width'> = {}): string {
  const s = summarizePlan(plan);
  const head = [planHeadline(plan), `Data: ${plan.source}, history to ${plan.dataEnd}`, ''];
  for (const u of plan.unreachableRegions) head.push(`! ${unreachableNote(plan, u)}`);
  for (const w of plan.warnings) head.push(`! warning: ${w}`);
  // Each entry's risks are asked for its mark, its rank and the footer: found once.
  const risks = riskMemo();
  const table = renderPlanRows(plan, { ...options, ...(width === undefined ? {} : { width }) }, risks);
  const lines = ['', ...riskFooter(plan, risks), ''];
  lines.push(
    `${s.entries} service-regions; uniform scaling would under-scale ${s.underScaled.length} and over-scale ${s.overScaled.length} (beyond ±5%); ${s.exceedsMax.length} exceed max capacity; ${s.lowConfidence.length} low-confidence.`,
  );
  if (s.underScaled[0])
    lines.push(`Most under-scaled by uniform: ${s.underScaled[0].service} in ${s.underScaled[0].region} (${pct(s.underScaled[0].uniformError)}).`);
  const legend = flagLegend(plan);
  if (legend.length > 0) lines.push('', 'Flags:', ...legend.map((l) => `  ${l}`));
  const wrapped = (text: readonly string[]) => (width === undefined ? text : text.flatMap((l) => wrapLine(l, width)));
  return `${[...wrapped(head), table, ...wrapped(lines)].join('\n')}\n`;
}

/** The plan as a Markdown report for a pull request or an incident channel. */
export function renderPlanMarkdown(plan: Plan): string {
  const s = summarizePlan(plan);
  const out = [
    `# Evacuation plan: ${plan.failedRegion}`,
    '',
    planHeadline(plan),
    '',
    `Data: ${plan.source}, history to ${plan.dataEnd}. Fingerprint \`${plan.fingerprint}\`.`,
    '',
  ];
  for (const u of plan.unreachableRegions) out.push(`> **${unreachableNote(plan, u)}**`, '');
  for (const w of plan.warnings) out.push(`> **Warning:** ${w}`, '');
  out.push('## Summary', '');
  out.push(`- ${s.entries} service-regions planned.`);
  out.push(
    `- **${s.exceedsMax.length}** would not reach their required capacity (exceeds-max)${s.exceedsMax.length ? `: ${s.exceedsMax.map((e) => `${e.service} (${e.region})`).join(', ')}` : ''}.`,
  );
  out.push(
    `- Uniform (total-traffic) scaling would **under-scale ${s.underScaled.length}** and over-scale ${s.overScaled.length} service-regions by more than 5%.`,
  );
  out.push(`- ${s.lowConfidence.length} low-confidence (few or pooled traces, or a device-ratio-fallback).`, '');
  if (s.underScaled.length + s.overScaled.length > 0) {
    out.push('## Where uniform scaling is wrong', '');
    const rows = [...s.underScaled.slice(0, 10), ...s.overScaled.slice(0, 10)];
    out.push(
      renderMarkdownTable({
        columns: [
          { header: 'service', value: (e) => e.service },
          { header: 'region', value: (e) => e.region },
          { header: 'weighted', value: (e) => e.weightedRatio.toFixed(3), align: 'right' },
          { header: 'uniform', value: (e) => e.uniformRatio.toFixed(3), align: 'right' },
          { header: 'uniform error', value: (e) => pct(e.uniformError), align: 'right' },
          { header: 'capacity (weighted / uniform)', value: (e) => `${e.requiredCapacity ?? '?'} / ${e.uniformRequiredCapacity ?? '?'}`, align: 'right' },
        ],
        rows,
      }),
      '',
    );
  }
  out.push('## All services', '', renderMarkdownTable({ columns: planTableColumns(plan), rows: plan.services }), '');
  const legend = flagLegend(plan);
  if (legend.length > 0) out.push('## Flags', '', ...legend.map((l) => `- \`${l.split(':')[0]}\`:${l.slice(l.indexOf(':') + 1)}`), '');
  return out.join('\n');
}

/**
 * Why an unreachable region matters. The failed region is the one most likely to be down, and
 * without its traffic every ratio reads as if it sent none: say so, and what to do instead.
 */
export function unreachableNote(plan: Plan, u: Plan['unreachableRegions'][number]): string {
  if (u.region !== plan.failedRegion) return `${u.region} unreachable (${u.reason}): its entries are flagged region-unreachable`;
  return `${u.region}, the failed region, could not be read (${u.reason}): the ratios below count its traffic as 0 and UNDER-PLAN every service. Plan from history precomputed before the failure instead (evac precompute, then --history DIR)`;
}
