import { relativeHalfWidth, WIDE_INTERVAL } from './confidence.ts';
import type { PlanEntry } from './plan-schema.ts';

/** What makes a plan entry risky, most urgent first: the order of the plan table's rows and of its footer. */
export const RISK_ORDER = ['exceeds-max', 'no-history', 'capacity-unknown', 'region-unreachable', 'stale-data', 'low-confidence'] as const;
export type Risk = (typeof RISK_ORDER)[number];

/** The severity of a risk: `high` (the target cannot be reached or is unknown) or `low` (the ratio is uncertain). */
export const RISK_LEVEL: Readonly<Record<Risk, 'high' | 'low'>> = {
  'exceeds-max': 'high',
  'no-history': 'high',
  'capacity-unknown': 'high',
  'region-unreachable': 'high',
  'stale-data': 'low',
  'low-confidence': 'low',
};

/** Trace flags that leave a ratio uncertain. `pooled-buckets` alone does not: the pool reached enough traces. */
const LOW_CONFIDENCE_FLAGS: readonly string[] = ['no-traces', 'low-samples'];

/** The risks that are flags of the entry themselves. */
const FLAG_RISKS: readonly string[] = RISK_ORDER.filter((r) => r !== 'low-confidence');

/** What most entries of a plan have: one array for all of them. */
const NO_RISK: readonly Risk[] = Object.freeze([]);

/**
 * The risks of an entry, most urgent first; empty when it is fine. Low confidence (too few
 * traces, or a 95% half-width above WIDE_INTERVAL of the ratio) counts only where the region
 * receives traffic: with a steering weight of 0 the ratio is 1 whatever the traces say.
 */
export function entryRisks(e: PlanEntry): readonly Risk[] {
  const flags: readonly string[] = e.flags;
  // Asked of every entry of a plan (thousands), most of them without a risk: one pass over its few flags.
  let flagged = false;
  let lowFlag = false;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i] as string;
    if (LOW_CONFIDENCE_FLAGS.includes(f)) lowFlag = true;
    else if (FLAG_RISKS.includes(f)) flagged = true;
  }
  const low = e.steeringWeight > 0 && (lowFlag || relativeHalfWidth(e) > WIDE_INTERVAL);
  if (!flagged && !low) return NO_RISK;
  return RISK_ORDER.filter((r) => (r === 'low-confidence' ? low : flags.includes(r)));
}

/**
 * `entryRisks`, each entry's found once: for a view that asks them of every entry more than once
 * (the plan table's marks, its order and its footer, over thousands of entries).
 */
export function riskMemo(): (e: PlanEntry) => readonly Risk[] {
  const known = new Map<PlanEntry, readonly Risk[]>();
  return (e) => {
    let risks = known.get(e);
    if (risks === undefined) {
      risks = entryRisks(e);
      known.set(e, risks);
    }
    return risks;
  };
}

/** The rank of an entry's most urgent risk (0 most urgent); RISK_ORDER.length when it has none. */
export function riskRank(e: PlanEntry, risks: (e: PlanEntry) => readonly Risk[] = entryRisks): number {
  const first = risks(e)[0];
  return first === undefined ? RISK_ORDER.length : RISK_ORDER.indexOf(first);
}

/**
 * Entries as a to-do list: risky ones first, most urgent risk first, then the largest shortfall
 * (required above max), then the largest ratio; the others after, in their given order.
 */
export function orderByRisk(entries: readonly PlanEntry[], risks: (e: PlanEntry) => readonly Risk[] = entryRisks): PlanEntry[] {
  const shortfall = (e: PlanEntry) => (e.requiredCapacity ?? 0) - (e.maxCapacity ?? Number.POSITIVE_INFINITY);
  // Only the risky ones are sorted: the others (most of a plan's thousands) keep their order, last.
  const risky: { readonly e: PlanEntry; readonly i: number; readonly rank: number }[] = [];
  const fine: PlanEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as PlanEntry;
    const rank = riskRank(e, risks);
    if (rank === RISK_ORDER.length) fine.push(e);
    else risky.push({ e, i, rank });
  }
  risky.sort((a, b) => a.rank - b.rank || shortfall(b.e) - shortfall(a.e) || b.e.weightedRatio - a.e.weightedRatio || a.i - b.i);
  const ordered: PlanEntry[] = [];
  for (const r of risky) ordered.push(r.e);
  for (const e of fine) ordered.push(e);
  return ordered;
}

/**
 * The capacity an entry needs if its ratio is the upper end of its 95% interval:
 * ceil(current x high x (1 + headroom)); null when the current capacity is unknown.
 */
export function upperBoundCapacity(e: PlanEntry): number | null {
  if (e.currentCapacity === null) return null;
  return Math.ceil(e.currentCapacity * e.ci95[1] * (1 + e.headroom) - 1e-9);
}

/** What to do about one risk of an entry, as one line: `raise MaxCapacity of tv-ui-gateway in us-east-1 to 64, or set allowMaxIncrease`. */
export function riskAction(e: PlanEntry, risk: Risk): string {
  const where = `${e.service} in ${e.region}`;
  switch (risk) {
    case 'exceeds-max':
      return `${where} needs ${e.requiredCapacity ?? '?'} but its MaxCapacity is ${e.maxCapacity ?? '?'}: raise MaxCapacity of ${where} to ${e.requiredCapacity ?? '?'}, or set allowMaxIncrease in its config`;
    case 'no-history':
      return `${where} has no traffic history in the bucket: its ratio is unknown, not 1; plan from a history that covers it (evac precompute before the failure, then --history DIR), or size it by hand`;
    case 'capacity-unknown':
      return `${where}: current capacity unknown, nothing planned: set capacityMetric in its config or add its capacity row`;
    case 'stale-data':
      return `${where}: the data ends long before the time planned for: refresh the history (evac precompute, or check the source) and plan again`;
    case 'region-unreachable':
      return `${where}: ${e.region} could not be read: plan again when it answers`;
    case 'low-confidence': {
      const upper = upperBoundCapacity(e);
      const ci = `${e.ci95[0].toFixed(3)}-${e.ci95[1].toFixed(3)}`;
      return `${where}: low confidence (95% CI ${ci}${e.traceSamples > 0 ? `, ${Math.round(e.traceSamples)} traces` : ', no traces'})${upper !== null && e.requiredCapacity !== null && upper > e.requiredCapacity ? `: to be safe, plan ${upper} (the upper bound) instead of ${e.requiredCapacity}` : ''}`;
    }
  }
}
