import type { LoadedConfig } from '../config/load-config.ts';
import { schemaIssues } from '../config/json-file.ts';
import { allRegionScopes } from '../config/resolve-scope.ts';
import { EvacError, formatIssue, type InputIssue } from '../errors.ts';
import { MAX_JSON_BYTES, readRequiredText } from '../input-file.ts';
import { bucketsPerDay, utcDay } from '../model/bucket.ts';
import { lookbackWindow, sampleFilter } from '../model/lookback-window.ts';
import { peakBucket, postEvacuationTraffic } from '../model/peak-bucket.ts';
import { capacityTotals } from '../report/capacity-totals.ts';
import { lowConfidenceEntries, WIDE_INTERVAL } from '../report/confidence.ts';
import type { Plan, PlanFlag } from '../report/plan-schema.ts';
import { compareReports, DEFAULT_RATIO_THRESHOLD } from '../report/report-diff.ts';
import { DEFAULT_FAIL_ON, gateFailures, scenarioReason } from '../report/report-gate.ts';
import { REPORT_SCHEMA_VERSION, type ReceivingRegion, type Report, ReportSchema, type Scenario } from '../report/report-schema.ts';
import { reportSummary } from '../report/report-view.ts';
import type { DataSource, LoadResult } from '../sources/data-source.ts';
import { MemoSource } from '../sources/memo-source.ts';
import { FUTURE_TOLERANCE_SECONDS, STALE_DATA_SECONDS } from './data-age.ts';
import { planEvacuation, planFingerprint } from './plan.ts';
import { buildPlanIndex, type PlanIndex, regionLevels } from './plan-index.ts';

export interface ReportOptions {
  readonly config: LoadedConfig;
  /** Loaded once for every scenario (wrapped in a MemoSource). */
  readonly source: DataSource;
  /** Current time, epoch seconds: when the report is made and the end of the history asked for. */
  readonly now: number;
  /** The regions whose loss to plan for; default every region with a steering entry. */
  readonly failedRegions?: readonly string[];
  /** Plan every bucket of the day (each entry at its worst bucket) instead of the peak bucket. */
  readonly allBuckets?: boolean;
  /** Plan flags that fail the gate; default exceeds-max. */
  readonly failOn?: readonly PlanFlag[];
  /** A previous report to compare with. */
  readonly baseline?: Report;
  /** Relative change of a weighted ratio the comparison reports; default 0.05. */
  readonly threshold?: number;
  /** Half-width of a 95% interval over its ratio above which it is "wide"; default 0.1. */
  readonly wideInterval?: number;
  /** Data ending more than this before `now` is flagged `stale-data`; default 2 days. */
  readonly staleAfterSeconds?: number;
}

/**
 * Plans every evacuation scenario and judges whether each is ready: a scenario is a region
 * that may fail (a key of `steering`); it is ready when no entry carries a flag of `failOn`.
 *
 * Peak bucket (the default mode): for failed region x, every healthy region r steered a
 * fraction w > 0 of x's traffic is planned at the time-of-day bucket b that maximises its
 * nominal post-evacuation traffic sum_d T[r,d,b] + w * sum_d T[x,d,b] (ties: the earliest
 * bucket). T is the nominal level the planner uses (median over dates of each date's mean)
 * over the lookback window ending at the latest traffic sample, past evacuations left out.
 * r's entries come from planEvacuation at the last second of bucket b on the UTC date of
 * that latest sample, so the plan averages over the same dates. With `allBuckets`, each
 * scenario is one planEvacuation over the whole day (windowMinutes 1440): every entry at the
 * bucket where its own ratio is worst. Regions steered 0 are not planned (idleRegions).
 *
 * The data is loaded once; bad config or data throws an EvacError (exit 2); a scenario
 * that is not ready is data, not an error.
 */
export async function buildReport(options: ReportOptions): Promise<Report> {
  const { config, now } = options;
  const evac = config.evacuation;
  const failOn = options.failOn ?? DEFAULT_FAIL_ON;
  const wideInterval = options.wideInterval ?? WIDE_INTERVAL;
  const failedRegions = checkFailedRegions(config, options.failedRegions);

  const source = new MemoSource(options.source);
  // The first request covers every scenario's: every region's scopes, the lookback plus the
  // day the scenarios are planned on.
  const loaded = await source.load({ config, scopes: allRegionScopes(config), from: now - (evac.lookbackDays + 1) * 86_400, to: now });
  const { latest, future } = latestTraffic(loaded, now);
  const index = trafficIndex(loaded, latest, config);
  const lastDay = utcDay(latest) * 86_400;
  const stale = now - latest > (options.staleAfterSeconds ?? STALE_DATA_SECONDS);
  const warnings: string[] = [];
  if (future > 0) {
    warnings.push(
      `${future} traffic sample${future > 1 ? 's are' : ' is'} dated more than a day after now (a clock or unit error?): ignored, the scenarios are planned on the date of the latest sample not in the future`,
    );
  }
  if (stale) {
    warnings.push(
      `the traffic data ends at ${new Date(latest * 1000).toISOString()}, ${((now - latest) / 86_400).toFixed(1)} days before now: every entry is flagged stale-data`,
    );
  }
  const plan = async (failedRegion: string, at: number, windowMinutes = 0) => {
    const p = await planEvacuation({ config, source, failedRegion, at, windowMinutes, allowPartialHistory: true });
    if (stale) for (const e of p.services) if (!e.flags.includes('stale-data')) e.flags.push('stale-data');
    return p;
  };

  const scenarios: Scenario[] = [];
  for (const failedRegion of failedRegions) {
    const steering = evac.steering[failedRegion] ?? {};
    const healthy = evac.regions.filter((r) => r !== failedRegion);
    const receivers = healthy.filter((r) => (steering[r] ?? 0) > 0);
    const idleRegions = healthy.filter((r) => !receivers.includes(r));

    let receivingRegions: ReceivingRegion[];
    let plans: Plan[];
    if (options.allBuckets) {
      receivingRegions = receivers.map((region) => ({ region, steeringWeight: steering[region] ?? 0, peakBucket: null, peakTraffic: null }));
      plans = [restrictPlan(await plan(failedRegion, lastDay + 86_399, 1440), receivers)];
    } else {
      receivingRegions = receivers.map((region) => ({
        region,
        steeringWeight: steering[region] ?? 0,
        ...receivingPeak(index, failedRegion, region, steering[region] ?? 0),
      }));
      plans = [];
      for (const bucket of unique(receivingRegions.map((r) => r.peakBucket as number))) {
        const at = lastDay + (bucket + 1) * evac.bucketMinutes * 60 - 1;
        plans.push(
          restrictPlan(
            await plan(failedRegion, at),
            receivingRegions.filter((r) => r.peakBucket === bucket).map((r) => r.region),
          ),
        );
      }
    }

    const entries = plans.flatMap((p) => p.services);
    const failures = gateFailures(entries, failOn);
    scenarios.push({
      failedRegion,
      ready: failures.length === 0,
      reason: scenarioReason({ entries: entries.length, failures, failOn, receiving: receivers.length }),
      receivingRegions,
      idleRegions,
      plans,
      failures,
      lowConfidence: plans.flatMap((p) => lowConfidenceEntries(p, wideInterval)),
    });
  }

  const apiCalls = { ...loaded.apiCalls };
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'evac-report',
    generatedAt: new Date(now * 1000).toISOString(),
    source: loaded.description,
    configDir: config.dir,
    dataEnd: new Date(latest * 1000).toISOString(),
    warnings,
    bucketMinutes: evac.bucketMinutes,
    lookbackDays: evac.lookbackDays,
    mode: options.allBuckets ? 'all-buckets' : 'peak-bucket',
    gate: { failOn: [...failOn], wideInterval },
    ready: scenarios.every((s) => s.ready),
    summary: reportSummary(scenarios),
    scenarios,
    capacityTotals: await capacityTotals(scenarios),
    comparison: null,
    meta: { apiCalls, totalApiCalls: Object.values(apiCalls).reduce((a, b) => a + b, 0) },
  };
  if (options.baseline) report.comparison = compareReports(options.baseline, report, { threshold: options.threshold ?? DEFAULT_RATIO_THRESHOLD });
  return report;
}

/**
 * Reads a previous report.json for --baseline. A missing file, bad JSON or another schema
 * version is an EvacError (exit 2) naming the file.
 */
export function readBaselineReport(file: string): Report {
  const text = readRequiredText(file, { maxBytes: MAX_JSON_BYTES });
  if (!text.ok)
    throw new EvacError(`--baseline ${formatIssue(text.issues[0] as InputIssue)}`, {
      hint: 'pass the report.json of a previous "evac report --out-dir DIR" run',
    });
  let json: unknown;
  try {
    json = JSON.parse(text.data);
  } catch (error) {
    throw new EvacError(`--baseline ${file}: not JSON: ${(error as Error).message}`);
  }
  const kind = (json as { kind?: unknown } | null)?.kind;
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (kind !== 'evac-report' || version !== REPORT_SCHEMA_VERSION) {
    throw new EvacError(
      `--baseline ${file}: expected an evac report with schemaVersion ${REPORT_SCHEMA_VERSION}, got kind ${JSON.stringify(kind)} schemaVersion ${JSON.stringify(version)}`,
      {
        hint: 'regenerate the baseline with this version of evac',
      },
    );
  }
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) {
    const first = schemaIssues(file, parsed.error)[0];
    throw new EvacError(`--baseline ${file}: not a valid report: ${first ? `${first.path}: ${first.message}` : 'schema mismatch'}`);
  }
  return parsed.data;
}

function checkFailedRegions(config: LoadedConfig, asked: readonly string[] | undefined): string[] {
  const evac = config.evacuation;
  const plannable = evac.regions.filter((r) => evac.steering[r] !== undefined);
  if (asked === undefined || asked.length === 0) return plannable;
  const unknown = asked.filter((r) => !plannable.includes(r));
  if (unknown.length > 0) {
    throw new EvacError(`--failed ${unknown.join(', ')}: expected regions with a steering entry: ${plannable.join(', ')}`, {
      hint: `regions that may fail are the keys of steering in ${config.dir}/evacuation.yaml`,
    });
  }
  return plannable.filter((r) => asked.includes(r));
}

/**
 * The latest traffic sample that is not in the future, and how many are. A sample up to a day
 * ahead of the clock is clock skew (validate's tolerance); later than that, a clock or unit error.
 */
function latestTraffic(loaded: LoadResult, now: number): { latest: number; future: number } {
  let latest = Number.NEGATIVE_INFINITY;
  let future = 0;
  for (const s of loaded.data.traffic) {
    if (s.t > now + FUTURE_TOLERANCE_SECONDS) future += 1;
    else if (s.t > latest) latest = s.t;
  }
  if (latest === Number.NEGATIVE_INFINITY) {
    throw new EvacError(
      `${loaded.description}: no regional traffic data up to now + 1 day (${new Date((now + FUTURE_TOLERANCE_SECONDS) * 1000).toISOString()})${future > 0 ? `: all ${future} samples are in the future` : ''}: cannot compute evacuation ratios`,
      {
        hint: 'check the data source (evac validate)',
      },
    );
  }
  return { latest, future };
}

/** Nominal traffic of every region, device and bucket over the lookback window ending at the data. */
function trafficIndex(loaded: LoadResult, latest: number, config: LoadedConfig): PlanIndex {
  const { bucketMinutes, lookbackDays } = config.evacuation;
  const keep = sampleFilter(lookbackWindow(latest, latest, lookbackDays), loaded.data.evacuations);
  const buckets = new Set(Array.from({ length: bucketsPerDay(bucketMinutes) }, (_, b) => b));
  return buildPlanIndex({ ...loaded.data, traces: [], demand: [], capacity: [] }, keep, bucketMinutes, buckets);
}

function receivingPeak(index: PlanIndex, failedRegion: string, region: string, weight: number): { peakBucket: number; peakTraffic: number } {
  const traffic = Array.from({ length: index.bucketCount }, (_, b) =>
    postEvacuationTraffic(regionLevels(index, region, b).values(), regionLevels(index, failedRegion, b).values(), weight),
  );
  const bucket = peakBucket(traffic);
  return { peakBucket: bucket, peakTraffic: traffic[bucket] ?? 0 };
}

/** A plan keeping only the entries of some regions (its fingerprint recomputed over them). */
function restrictPlan(plan: Plan, regions: readonly string[]): Plan {
  const services = plan.services.filter((e) => regions.includes(e.region));
  return { ...plan, services, fingerprint: planFingerprint({ ...plan, services }) };
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
