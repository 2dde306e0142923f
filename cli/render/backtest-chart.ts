import { blue, plot, red, reset } from 'asciichart';
import type { Backtest } from '../../src/report/backtest-schema.ts';
import { worstPairs } from '../../src/report/backtest-view.ts';

/**
 * A terminal chart of observed, weighted and uniform demand over the window of the receiving
 * pair with the worst weighted MAPE (asciichart). Colours only on a terminal; each slice is
 * one column, stretched to at least 40 columns so short windows stay readable.
 */
export function renderBacktestTerminalChart(b: Backtest, color: boolean): string {
  const [pair] = worstPairs(b, 1);
  if (!pair || pair.slices.length < 2) return '';
  const repeat = Math.max(1, Math.ceil(40 / pair.slices.length));
  const stretch = (xs: number[]) => xs.flatMap((x) => Array.from({ length: repeat }, () => x));
  const series = [
    stretch(pair.slices.map((s) => s.observed)),
    stretch(pair.slices.map((s) => s.predicted.weighted)),
    stretch(pair.slices.map((s) => s.predicted.uniform)),
  ];
  const chart = plot(series, {
    height: 10,
    format: (x) => x.toFixed(0).padStart(8),
    ...(color ? { colors: [undefined, blue, red] } : {}),
  });
  const legend = color ? `observed, ${blue}weighted${reset}, ${red}uniform${reset}` : 'observed, weighted, uniform (coloured on a terminal)';
  return `Worst receiving pair: ${pair.service} in ${pair.region} (${pair.failedRegion} failed ${pair.evacuationStart.replace('.000Z', 'Z')}), demand per ${b.bucketMinutes}-minute slice: ${legend}\n${chart}\n`;
}
