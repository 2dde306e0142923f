import type { Backtest } from './backtest-schema.ts';
import {
  backtestHeadline,
  EVACUATION_COLUMNS,
  percent,
  SERVICE_COLUMNS,
  SHORTFALL_COLUMNS,
  SUMMARY_COLUMNS,
  summaryRows,
  worstPairs,
  worstUnderPredictions,
} from './backtest-view.ts';
import { renderMarkdownTable, renderTextTable } from './text-table.ts';

/** The terminal report (the chart, drawn by the CLI, goes below it). */
export function renderBacktestTable(b: Backtest, width?: number): string {
  const table = <R>(columns: Parameters<typeof renderTextTable<R>>[0]['columns'], rows: readonly R[]) =>
    renderTextTable({ columns, rows, ...(width === undefined ? {} : { maxWidth: width }) });
  return [
    backtestHeadline(b),
    '',
    table(SUMMARY_COLUMNS, summaryRows(b)),
    '',
    'Past evacuations (receiving MAPE):',
    table(EVACUATION_COLUMNS, b.evacuations),
    '',
    'Worst under-predictions (weighted, receiving):',
    table(SHORTFALL_COLUMNS, worstUnderPredictions(b, 10)),
    '',
    'Per service (receiving MAPE, worst weighted first):',
    table(SERVICE_COLUMNS, b.services),
    ...b.warnings.map((w) => `warning: ${w}`),
    '',
  ].join('\n');
}

/**
 * The Markdown report. `chartFile`: the SVG written beside it (linked by its relative name);
 * without one the report says where the chart would be.
 */
export function renderBacktestMarkdown(b: Backtest, chartFile?: string): string {
  const worst = worstPairs(b, 4);
  return [
    '# evac backtest',
    '',
    `**${backtestHeadline(b).replace('evac backtest: ', '')}**`,
    '',
    `Each past evacuation is replayed with the history \`evac plan --at START\` would have used; every ${b.bucketMinutes}-minute slice of its window compares the demand observed with nominal demand x ratio: \`weighted\` (evac), \`uniform\` (total traffic), \`none\` (ratio 1). MAPE is the mean of the slices' absolute percentage errors; "short" counts slices where the prediction plus the service's headroom still fell short. Source: ${b.source}.`,
    '',
    renderMarkdownTable({ columns: SUMMARY_COLUMNS, rows: summaryRows(b) }),
    '',
    '## Past evacuations',
    '',
    renderMarkdownTable({ columns: EVACUATION_COLUMNS, rows: b.evacuations }),
    '',
    '## Worst under-predictions',
    '',
    renderMarkdownTable({ columns: SHORTFALL_COLUMNS, rows: worstUnderPredictions(b, 15) }),
    '',
    '## Per service (receiving service-regions)',
    '',
    renderMarkdownTable({ columns: SERVICE_COLUMNS, rows: b.services }),
    '',
    '## Predicted vs observed demand, worst services',
    '',
    chartFile === undefined
      ? '_The chart is written beside the report with `--out FILE.md`._'
      : `![predicted vs observed demand](${chartFile})\n\n${worst.map((p) => `- ${p.service} in ${p.region} (${p.failedRegion} failed ${p.evacuationStart.replace('.000Z', 'Z')}): weighted ${percent(p.mape.weighted)}, uniform ${percent(p.mape.uniform)}`).join('\n')}`,
    ...(b.warnings.length > 0 ? ['', '## Warnings', '', ...b.warnings.map((w) => `- ${w}`)] : []),
    '',
  ].join('\n');
}
