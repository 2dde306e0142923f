import type { Backtest, BacktestPair } from './backtest-schema.ts';
import { worstPairs } from './backtest-view.ts';

const PANEL_W = 420;
const PANEL_H = 180;
const PAD = { left: 56, right: 12, top: 28, bottom: 28 };
const SERIES = [
  { name: 'observed', color: '#222222', value: (s: BacktestPair['slices'][number]) => s.observed, dash: '' },
  { name: 'weighted', color: '#1f77b4', value: (s: BacktestPair['slices'][number]) => s.predicted.weighted, dash: '' },
  { name: 'uniform', color: '#d62728', value: (s: BacktestPair['slices'][number]) => s.predicted.uniform, dash: '6 4' },
] as const;

/**
 * An SVG of predicted (weighted, uniform) and observed demand over the evacuation window,
 * one panel per pair, for the `n` receiving pairs with the worst weighted MAPE. Hand-written
 * polylines: no chart library, nothing to load.
 */
export function renderBacktestSvg(b: Backtest, n = 4): string {
  const pairs = worstPairs(b, n);
  const cols = 2;
  const rows = Math.max(1, Math.ceil(pairs.length / cols));
  const width = cols * PANEL_W;
  const height = rows * PANEL_H + 24;
  const panels = pairs.map((p, i) => panel(p, (i % cols) * PANEL_W, 24 + Math.floor(i / cols) * PANEL_H));
  const legend = SERIES.map(
    (s, i) =>
      `<g transform="translate(${12 + i * 110},8)"><line x1="0" y1="6" x2="24" y2="6" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/><text x="30" y="10">${s.name}</text></g>`,
  ).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    legend,
    ...panels,
    pairs.length === 0 ? `<text x="12" y="48">no receiving service-region to chart</text>` : '',
    '</svg>',
    '',
  ].join('\n');
}

function panel(p: BacktestPair, x0: number, y0: number): string {
  const values = p.slices.flatMap((s) => SERIES.map((series) => series.value(s)));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const innerW = PANEL_W - PAD.left - PAD.right;
  const innerH = PANEL_H - PAD.top - PAD.bottom;
  const x = (i: number) => x0 + PAD.left + (p.slices.length <= 1 ? innerW / 2 : (i * innerW) / (p.slices.length - 1));
  const y = (v: number) => y0 + PAD.top + innerH - ((v - lo) / span) * innerH;
  const lines = SERIES.map(
    (s) =>
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${p.slices.map((sl, i) => `${x(i).toFixed(1)},${y(s.value(sl)).toFixed(1)}`).join(' ')}"/>`,
  );
  const first = p.slices[0]?.start.slice(11, 16) ?? '';
  const last = p.slices[p.slices.length - 1]?.start.slice(11, 16) ?? '';
  return [
    `<g>`,
    `<text x="${x0 + PAD.left}" y="${y0 + 16}" font-weight="bold">${escapeXml(`${p.service} in ${p.region}, ${p.failedRegion} failed ${p.evacuationStart.slice(0, 10)}`)}</text>`,
    `<line x1="${x0 + PAD.left}" y1="${y0 + PAD.top + innerH}" x2="${x0 + PAD.left + innerW}" y2="${y0 + PAD.top + innerH}" stroke="#999999"/>`,
    `<line x1="${x0 + PAD.left}" y1="${y0 + PAD.top}" x2="${x0 + PAD.left}" y2="${y0 + PAD.top + innerH}" stroke="#999999"/>`,
    `<text x="${x0 + PAD.left - 4}" y="${y0 + PAD.top + 4}" text-anchor="end">${hi.toFixed(0)}</text>`,
    `<text x="${x0 + PAD.left - 4}" y="${y0 + PAD.top + innerH}" text-anchor="end">${lo.toFixed(0)}</text>`,
    `<text x="${x0 + PAD.left}" y="${y0 + PANEL_H - 8}">${first} UTC</text>`,
    `<text x="${x0 + PAD.left + innerW}" y="${y0 + PANEL_H - 8}" text-anchor="end">${last} UTC</text>`,
    ...lines,
    `</g>`,
  ].join('\n');
}

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
