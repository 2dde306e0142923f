import type { PlanEntry } from '../../src/report/plan-schema.ts';
import { compact, ratio } from '../../src/report/plan-view.ts';

/** Short badges for flags in the list; a flag without one shows its own name. */
export const FLAG_BADGES: Readonly<Record<string, string>> = {
  'exceeds-max': 'MAX',
  'raises-max': '+max',
  'low-samples': 'low',
  'no-traces': 'notr',
  'pooled-buckets': 'pool',
  'device-ratio-fallback': 'fb',
  'no-regional-traffic': 'notraf',
  'capacity-unknown': 'cap?',
  'no-demand-data': 'nodem',
  'no-scalable-target': 'notgt',
  'default-config': 'dflt',
  'region-unreachable': 'unrch',
  'failed-region-unreachable': 'FAILunrch',
  'no-history': 'NOHIST',
  'not-receiving': 'inert',
  'stale-data': 'stale',
};

/** Flags that make an entry's ratio less trustworthy (shown yellow). */
export const LOW_CONFIDENCE_FLAGS: ReadonlySet<string> = new Set([
  'low-samples',
  'no-traces',
  'device-ratio-fallback',
  'no-regional-traffic',
  'no-history',
  'stale-data',
]);

export function badges(flags: readonly string[]): string {
  return flags.map((f) => FLAG_BADGES[f] ?? f).join(' ');
}

export type Risk = 'exceeds' | 'low-confidence' | 'none';

export function riskOf(entry: PlanEntry): Risk {
  if (entry.flags.includes('exceeds-max')) return 'exceeds';
  if (entry.flags.some((f) => LOW_CONFIDENCE_FLAGS.has(f))) return 'low-confidence';
  return 'none';
}

interface Column {
  readonly header: string;
  readonly width: number;
  readonly align: 'left' | 'right';
  readonly value: (e: PlanEntry) => string;
}

const num = (x: number | null) => (x === null ? '?' : String(x));

/** `min→target`: what apply sets the Min to. Never cut: its column is as wide as the widest value. */
export const targetText = (e: PlanEntry): string => `${num(e.minCapacity)}→${num(e.targetMinCapacity)}`;

/**
 * The list's columns for a width: service, region, ratio, target and badges always (the target
 * never cut, the service name truncated first); from 100 columns, uniform, interval,
 * current/required/max and demand too.
 */
export function listColumns(entries: readonly PlanEntry[], width: number): Column[] {
  const widest = (header: string, values: (e: PlanEntry) => string, min = 0) => Math.max(header.length, min, ...entries.map((e) => values(e).length));
  const region = widest('region', (e) => e.region);
  const target = widest('min→tgt', targetText);
  const wide = width >= 100;
  const extra: Column[] = wide
    ? [
        { header: 'uniform', width: 7, align: 'right', value: (e) => ratio(e.uniformRatio) },
        { header: '95% CI', width: 11, align: 'right', value: (e) => `${e.ci95[0].toFixed(2)}-${e.ci95[1].toFixed(2)}` },
        {
          header: 'cur/req/max',
          width: widest('cur/req/max', (e) => `${num(e.currentCapacity)}/${num(e.requiredCapacity)}/${num(e.maxCapacity)}`),
          align: 'right',
          value: (e) => `${num(e.currentCapacity)}/${num(e.requiredCapacity)}/${num(e.maxCapacity)}`,
        },
      ]
    : [];
  const demand: Column[] = wide
    ? [{ header: 'demand', width: 11, align: 'right', value: (e) => (e.demand ? `${compact(e.demand.nominal)}→${compact(e.demand.predicted)}` : '?') }]
    : [];
  const fixed: Column[] = [
    { header: 'region', width: region, align: 'left', value: (e) => e.region },
    { header: 'ratio', width: 6, align: 'right', value: (e) => ratio(e.weightedRatio) },
    ...extra,
    { header: 'min→tgt', width: target, align: 'right', value: targetText },
    ...demand,
  ];
  const flagsWidth = wide ? 14 : 12;
  // 1 for the selection marker, 1 space between columns.
  const used = 1 + fixed.reduce((a, c) => a + c.width + 1, 0) + 1 + flagsWidth;
  const service = Math.max(8, width - used);
  return [
    { header: 'service', width: service, align: 'left', value: (e) => e.service },
    ...fixed,
    { header: 'flags', width: flagsWidth, align: 'left', value: (e) => badges(e.flags) },
  ];
}

function cell(text: string, width: number, align: 'left' | 'right'): string {
  const t = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}

export function headerRow(columns: readonly Column[]): string {
  return ` ${columns.map((c) => cell(c.header, c.width, c.align)).join(' ')}`.trimEnd();
}

export function entryRow(columns: readonly Column[], entry: PlanEntry, selected: boolean): string {
  return `${selected ? '>' : ' '}${columns.map((c) => cell(c.value(entry), c.width, c.align)).join(' ')}`.trimEnd();
}
