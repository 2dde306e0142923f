import type { PlanEntry, PlanFlag } from './plan-schema.ts';
import type { EntryChange, EntryRef, Report, ReportDiff } from './report-schema.ts';
import { scenarioEntries, scenarioVerdict } from './report-view.ts';

/** Relative change of a weighted ratio the comparison reports unless told otherwise. */
export const DEFAULT_RATIO_THRESHOLD = 0.05;

export interface CompareOptions {
  /** Report a weighted ratio when |to / from - 1| is above this. */
  readonly threshold?: number;
}

const CAPACITY_FIELDS = ['requiredCapacity', 'targetMinCapacity', 'maxCapacity'] as const;

/**
 * What changed from a baseline report to the current one, per scenario x service x region:
 * - verdict changes of scenarios (a scenario only in one report is "absent" in the other);
 * - entries added or removed;
 * - per entry present in both: the weighted ratio when it moved by more than `threshold`
 *   relative; requiredCapacity, targetMinCapacity, maxCapacity on any change; and the set
 *   of flags it fails the gate on (each report's own gate).
 * Lists are in the current report's order (removed: the baseline's). Pure.
 */
export function compareReports(baseline: Report, current: Report, options: CompareOptions = {}): ReportDiff {
  const threshold = options.threshold ?? DEFAULT_RATIO_THRESHOLD;
  const base = entryMap(baseline);
  const now = entryMap(current);

  const verdictChanges: ReportDiff['verdictChanges'] = [];
  const regions = unique([...current.scenarios.map((s) => s.failedRegion), ...baseline.scenarios.map((s) => s.failedRegion)]);
  for (const failedRegion of regions) {
    const from = scenarioVerdict(baseline.scenarios.find((s) => s.failedRegion === failedRegion));
    const to = scenarioVerdict(current.scenarios.find((s) => s.failedRegion === failedRegion));
    if (from !== to) verdictChanges.push({ failedRegion, from, to });
  }

  const added: EntryRef[] = [];
  const changed: ReportDiff['changed'] = [];
  for (const [k, cur] of now) {
    const old = base.get(k);
    if (!old) {
      added.push(cur.ref);
      continue;
    }
    const changes = entryChanges(old, cur, threshold);
    if (changes.length > 0) changed.push({ ...cur.ref, bucket: { from: old.entry.bucket, to: cur.entry.bucket }, changes });
  }
  const removed = [...base].filter(([k]) => !now.has(k)).map(([, v]) => v.ref);

  return {
    baseline: { generatedAt: baseline.generatedAt, source: baseline.source, configDir: baseline.configDir, dataEnd: baseline.dataEnd },
    threshold,
    verdictChanges,
    added,
    removed,
    changed,
    notes: notes(baseline, current),
  };
}

interface Keyed {
  readonly ref: EntryRef;
  readonly entry: PlanEntry;
  readonly gate: readonly PlanFlag[];
}

function entryMap(report: Report): Map<string, Keyed> {
  const map = new Map<string, Keyed>();
  for (const s of report.scenarios) {
    const failures = new Map(s.failures.map((f) => [`${f.service}\u0000${f.region}`, f.flags]));
    for (const entry of scenarioEntries(s)) {
      const ref = { failedRegion: s.failedRegion, service: entry.service, region: entry.region };
      map.set(`${s.failedRegion}\u0000${entry.service}\u0000${entry.region}`, {
        ref,
        entry,
        gate: failures.get(`${entry.service}\u0000${entry.region}`) ?? [],
      });
    }
  }
  return map;
}

function entryChanges(old: Keyed, cur: Keyed, threshold: number): EntryChange[] {
  const changes: EntryChange[] = [];
  const from = old.entry.weightedRatio;
  const to = cur.entry.weightedRatio;
  const relative = from === 0 ? (to === 0 ? 0 : Number.POSITIVE_INFINITY) : to / from - 1;
  if (Math.abs(relative) > threshold) changes.push({ field: 'weightedRatio', from, to, relative });
  for (const field of CAPACITY_FIELDS) {
    if (old.entry[field] !== cur.entry[field]) changes.push({ field, from: old.entry[field], to: cur.entry[field] });
  }
  if (!sameSet(old.gate, cur.gate)) changes.push({ field: 'gateFailures', from: [...old.gate], to: [...cur.gate] });
  return changes;
}

function notes(baseline: Report, current: Report): string[] {
  const out: string[] = [];
  if (baseline.mode !== current.mode)
    out.push(`the baseline was planned with mode ${baseline.mode}, this report with ${current.mode}: ratios and buckets differ by design`);
  if (!sameSet(baseline.gate.failOn, current.gate.failOn)) {
    out.push(`the baseline gated on ${baseline.gate.failOn.join(', ')}, this report on ${current.gate.failOn.join(', ')}: verdicts may differ by design`);
  }
  return out;
}

function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
