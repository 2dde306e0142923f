import type { Backtest, BacktestPair, GroupSummary } from './backtest-schema.ts';
import type { Column } from './text-table.ts';

/** 0.0362 -> "3.62%"; null -> "-". */
export function percent(x: number | null, digits = 2): string {
  return x === null ? '-' : `${(x * 100).toFixed(digits)}%`;
}

const signedPercent = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`);

/** One row per group and method: the summary table of every renderer. */
export interface SummaryRow {
  readonly group: string;
  readonly method: string;
  readonly mape: number | null;
  readonly medianApe: number | null;
  readonly bias: number | null;
  readonly slicesShort: number;
  readonly slices: number;
}

export function summaryRows(b: Backtest): SummaryRow[] {
  const rows = (group: string, g: GroupSummary) =>
    (['weighted', 'uniform', 'none'] as const).map((m, i) => ({ group: i === 0 ? `${group} (${g.pairs} pairs)` : '', method: m, ...g[m], slices: g.slices }));
  return [...rows('receiving', b.summary.receiving), ...rows('not receiving', b.summary.notReceiving)];
}

export const SUMMARY_COLUMNS: readonly Column<SummaryRow>[] = [
  { header: 'service-regions', value: (r) => r.group },
  { header: 'method', value: (r) => r.method },
  { header: 'MAPE', value: (r) => percent(r.mape), align: 'right' },
  { header: 'median APE', value: (r) => percent(r.medianApe), align: 'right' },
  { header: 'bias', value: (r) => signedPercent(r.bias), align: 'right' },
  { header: 'short', value: (r) => `${r.slicesShort}/${r.slices}`, align: 'right' },
];

/** The verdict line: weighted against uniform on the receiving pairs. */
export function backtestHeadline(b: Backtest): string {
  const r = b.summary.receiving;
  if (r.pairs === 0) return 'evac backtest: no receiving service-region had demand data during a past evacuation';
  const w = r.weighted.mape ?? 0;
  const u = r.uniform.mape ?? 0;
  const verdict =
    w < u ? `weighted beats uniform (${percent(w)} vs ${percent(u)} MAPE)` : `weighted does NOT beat uniform (${percent(w)} vs ${percent(u)} MAPE)`;
  return `evac backtest: ${verdict} over ${r.pairs} receiving service-regions of ${b.evacuations.length} past evacuation(s); weighted closer in ${r.weightedCloser} of ${r.pairs} (dayTypes: ${b.dayTypes})`;
}

/** A slice where a method under-predicted, with its pair: the rows of "worst under-predictions". */
export interface ShortfallRow {
  readonly pair: BacktestPair;
  readonly start: string;
  readonly observed: number;
  readonly weighted: number;
  readonly uniform: number;
  /** (weighted - observed) / observed: most negative first. */
  readonly error: number;
}

/** The receiving slices the weighted prediction under-predicted most, worst first. */
export function worstUnderPredictions(b: Backtest, n: number): ShortfallRow[] {
  const rows: ShortfallRow[] = [];
  for (const pair of b.pairs) {
    if (pair.steeringWeight <= 0) continue;
    for (const s of pair.slices)
      rows.push({
        pair,
        start: s.start,
        observed: s.observed,
        weighted: s.predicted.weighted,
        uniform: s.predicted.uniform,
        error: (s.predicted.weighted - s.observed) / s.observed,
      });
  }
  return rows.sort((a, b) => a.error - b.error).slice(0, n);
}

export const SHORTFALL_COLUMNS: readonly Column<ShortfallRow>[] = [
  { header: 'service', value: (r) => r.pair.service },
  { header: 'region', value: (r) => r.pair.region },
  { header: 'failed', value: (r) => r.pair.failedRegion, dropOrder: 2 },
  { header: 'slice start', value: (r) => r.start.replace('.000Z', 'Z') },
  { header: 'observed', value: (r) => fixed(r.observed), align: 'right' },
  { header: 'weighted', value: (r) => fixed(r.weighted), align: 'right' },
  { header: 'error', value: (r) => signedPercent(r.error), align: 'right' },
  { header: 'uniform', value: (r) => fixed(r.uniform), align: 'right', dropOrder: 1 },
];

export const SERVICE_COLUMNS: readonly Column<Backtest['services'][number]>[] = [
  { header: 'service', value: (r) => r.service },
  { header: 'pairs', value: (r) => String(r.receiving.pairs), align: 'right' },
  { header: 'weighted', value: (r) => percent(r.receiving.weighted.mape), align: 'right' },
  { header: 'uniform', value: (r) => percent(r.receiving.uniform.mape), align: 'right' },
  { header: 'none', value: (r) => percent(r.receiving.none.mape), align: 'right', dropOrder: 2 },
  { header: 'closer', value: (r) => `${r.receiving.weightedCloser}/${r.receiving.pairs}`, align: 'right' },
  { header: 'short w/u', value: (r) => `${r.receiving.weighted.slicesShort}/${r.receiving.uniform.slicesShort}`, align: 'right', dropOrder: 1 },
];

export interface EvacuationRow {
  readonly e: Backtest['evacuations'][number];
}

export const EVACUATION_COLUMNS: readonly Column<Backtest['evacuations'][number]>[] = [
  { header: 'start', value: (e) => e.start.replace('.000Z', 'Z') },
  { header: 'end', value: (e) => e.end.replace('.000Z', 'Z'), dropOrder: 1 },
  { header: 'failed', value: (e) => e.failedRegion },
  { header: 'weighted', value: (e) => percent(e.summary.receiving.weighted.mape), align: 'right' },
  { header: 'uniform', value: (e) => percent(e.summary.receiving.uniform.mape), align: 'right' },
  { header: 'closer', value: (e) => `${e.summary.receiving.weightedCloser}/${e.summary.receiving.pairs}`, align: 'right' },
  {
    header: 'steering configured -> observed',
    // `+ 0` turns a -0.00 (a region that received nothing, measured a hair below nominal) into 0.00.
    value: (e) =>
      e.steering.map((s) => `${s.region} ${s.configured} -> ${s.observed === null ? '?' : (Number(s.observed.toFixed(2)) + 0).toFixed(2)}`).join(', '),
  },
];

/** The receiving pairs whose weighted prediction was worst (highest MAPE), for the charts. */
export function worstPairs(b: Backtest, n: number): BacktestPair[] {
  return b.pairs
    .filter((p) => p.steeringWeight > 0 && p.mape.weighted !== null)
    .sort((a, c) => (c.mape.weighted ?? 0) - (a.mape.weighted ?? 0))
    .slice(0, n);
}

function fixed(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}
