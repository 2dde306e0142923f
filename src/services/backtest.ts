import type { LoadedConfig } from '../config/load-config.ts';
import { planUnits, resolveScope } from '../config/resolve-scope.ts';
import { EvacError } from '../errors.ts';
import { meanInSlice, windowSlices } from '../model/backtest-slices.ts';
import { absolutePercentageError, errorSummary, isShort, type SliceForecast } from '../model/forecast-error.ts';
import { getOrInsert } from '../model/get-or-insert.ts';
import { compareNames } from '../model/name-order.ts';
import type { EvacuationWindow } from '../model/planning-data.ts';
import { BACKTEST_SCHEMA_VERSION, type Backtest, type BacktestPair, type BacktestSlice, type GroupSummary } from '../report/backtest-schema.ts';
import type { PlanEntry, PlanFlag } from '../report/plan-schema.ts';
import type { DataSource } from '../sources/data-source.ts';
import { MemoSource } from '../sources/memo-source.ts';
import { evacuationSteering } from './evacuation-steering.ts';
import { planEvacuation } from './plan.ts';
import { key } from './plan-index.ts';

export interface BacktestOptions {
  readonly config: LoadedConfig;
  readonly source: DataSource;
  /** Replay only the evacuation that starts at this time (epoch seconds); all of them when absent. */
  readonly evacuationStart?: number;
  /** Now, epoch seconds: the history asked of the source is the HISTORY_DAYS before it. */
  readonly now: number;
}

/**
 * Days of history the backtest asks its source for: CloudWatch keeps 5-minute data for 63
 * days, so evacuations older than 63 - lookbackDays days cannot be replayed from it (files
 * return everything they hold, whatever is asked).
 */
export const HISTORY_DAYS = 63;

const METHODS = ['weighted', 'uniform', 'none'] as const;
type Method = (typeof METHODS)[number];

/**
 * Replays every past evacuation (or one): for each slice of its window (cut at bucket
 * boundaries), each healthy region and each service with demand data there, the demand
 * evac would have predicted with the history `evac plan --at START` uses (nominal demand x
 * the weighted ratio, the uniform ratio, or 1) against the demand observed, and the
 * steering each region actually received.
 */
export async function runBacktest(options: BacktestOptions): Promise<Backtest> {
  const { config } = options;
  const evac = config.evacuation;
  const scopes = config.services.flatMap((s) => planUnits(s.config).flatMap((unit) => evac.regions.map((r) => resolveScope(s.config, unit, r))));
  // One load for every plan (MemoSource): the first request covers every later one.
  const memo = new MemoSource(options.source);
  const loaded = await memo.load({ config, scopes, from: options.now - HISTORY_DAYS * 86_400, to: options.now });
  const { data } = loaded;
  const evacuations = selectEvacuations(data.evacuations, options.evacuationStart);
  const warnings: string[] = [];

  // Demand samples inside any evacuation window, by region and service.
  const demand = new Map<string, { t: number; value: number }[]>();
  for (const s of data.demand) {
    if (!evacuations.some((e) => s.t >= e.start && s.t < e.end)) continue;
    getOrInsert(demand, key(s.region, s.service), () => []).push({ t: s.t, value: s.value });
  }

  const pairs: BacktestPair[] = [];
  const evacuationRows: Backtest['evacuations'] = [];
  for (const e of evacuations) {
    if (!evac.steering[e.failedRegion]) {
      warnings.push(`the evacuation of ${e.failedRegion} at ${iso(e.start)} is skipped: evacuation.yaml has no steering for it`);
      continue;
    }
    const slices = windowSlices(e.start, e.end, evac.bucketMinutes);
    const byPair = new Map<string, { entry: PlanEntry; slices: BacktestSlice[]; flags: Set<PlanFlag> }>();
    for (const slice of slices) {
      const plan = await planEvacuation({
        config,
        source: memo,
        failedRegion: e.failedRegion,
        at: slice.start,
        historyEnd: e.start,
        allowPartialHistory: true,
      });
      for (const entry of plan.services) {
        const observed = meanInSlice(demand.get(key(entry.region, entry.service)) ?? [], slice);
        if (observed === undefined || !(observed > 0) || entry.demand === null) continue;
        const nominal = entry.demand.nominal;
        const predicted = { weighted: entry.demand.predicted, uniform: nominal * entry.uniformRatio, none: nominal };
        const forecast = (m: Method): SliceForecast => ({ predicted: predicted[m], observed, headroom: entry.headroom });
        const pair = getOrInsert(byPair, key(entry.service, entry.region), () => ({ entry, slices: [], flags: new Set<PlanFlag>() }));
        for (const f of entry.flags) pair.flags.add(f);
        pair.slices.push({
          start: iso(slice.start),
          end: iso(slice.end),
          bucket: slice.bucket,
          observed,
          nominal,
          predicted,
          ape: {
            weighted: absolutePercentageError(predicted.weighted, observed),
            uniform: absolutePercentageError(predicted.uniform, observed),
            none: absolutePercentageError(nominal, observed),
          },
          short: { weighted: isShort(forecast('weighted')), uniform: isShort(forecast('uniform')), none: isShort(forecast('none')) },
        });
      }
    }
    const evacuationPairs: BacktestPair[] = [...byPair.values()].map(({ entry, slices: s, flags }) => ({
      evacuationStart: iso(e.start),
      failedRegion: e.failedRegion,
      service: entry.service,
      region: entry.region,
      steeringWeight: entry.steeringWeight,
      headroom: entry.headroom,
      mape: { weighted: mean(s.map((x) => x.ape.weighted)), uniform: mean(s.map((x) => x.ape.uniform)), none: mean(s.map((x) => x.ape.none)) },
      flags: [...flags].sort(),
      slices: s,
    }));
    evacuationPairs.sort((a, b) => compareNames(a.service, b.service) || compareNames(a.region, b.region));
    pairs.push(...evacuationPairs);
    evacuationRows.push({
      start: iso(e.start),
      end: iso(e.end),
      failedRegion: e.failedRegion,
      steering: evacuationSteering(config, data, e),
      summary: { receiving: groupSummary(evacuationPairs.filter(isReceiving)), notReceiving: groupSummary(evacuationPairs.filter((p) => !isReceiving(p))) },
    });
  }
  if (pairs.length === 0) warnings.push('no service had demand data inside a past evacuation window: nothing to compare');

  return {
    schemaVersion: BACKTEST_SCHEMA_VERSION,
    kind: 'evac-backtest',
    source: loaded.description,
    configDir: config.dir,
    bucketMinutes: evac.bucketMinutes,
    dayTypes: evac.dayTypes,
    evacuations: evacuationRows,
    summary: { receiving: groupSummary(pairs.filter(isReceiving)), notReceiving: groupSummary(pairs.filter((p) => !isReceiving(p))) },
    services: await serviceSummaries(pairs),
    pairs,
    warnings,
  };
}

function selectEvacuations(all: readonly EvacuationWindow[], start: number | undefined): EvacuationWindow[] {
  const sorted = [...all].sort((a, b) => a.start - b.start);
  if (sorted.length === 0) {
    throw new EvacError('no past evacuations in the data: nothing to backtest', {
      hint: 'list them in evacuations.csv (start,end,failed_region), see README "Data files"',
    });
  }
  if (start === undefined) return sorted;
  const picked = sorted.filter((e) => e.start === start);
  if (picked.length === 0) {
    throw new EvacError(`--evacuation ${iso(start)}: no past evacuation starts then: expected one of ${sorted.map((e) => iso(e.start)).join(', ')}`);
  }
  return picked;
}

const isReceiving = (p: BacktestPair) => p.steeringWeight > 0;

function groupSummary(pairs: readonly BacktestPair[]): GroupSummary {
  const forecasts = (m: Method): SliceForecast[] =>
    pairs.flatMap((p) => p.slices.map((s) => ({ predicted: s.predicted[m], observed: s.observed, headroom: p.headroom })));
  return {
    weighted: errorSummary(forecasts('weighted')),
    uniform: errorSummary(forecasts('uniform')),
    none: errorSummary(forecasts('none')),
    pairs: pairs.length,
    slices: pairs.reduce((a, p) => a + p.slices.length, 0),
    weightedCloser: pairs.filter((p) => p.mape.weighted !== null && p.mape.uniform !== null && p.mape.weighted < p.mape.uniform).length,
  };
}

/**
 * Per service over its receiving pairs. The slice table is pivoted by service with a danfo
 * data frame (loaded only here, out of `evac plan`'s path) to order the services by their
 * weighted MAPE; the summaries themselves come from the same errorSummary as the totals.
 */
async function serviceSummaries(pairs: readonly BacktestPair[]): Promise<Backtest['services']> {
  const receiving = pairs.filter(isReceiving);
  if (receiving.length === 0) return [];
  const dfd = await import('danfojs-node');
  const rows = receiving.flatMap((p) => p.slices.map((s) => ({ service: p.service, weighted: s.ape.weighted, uniform: s.ape.uniform, none: s.ape.none })));
  const pivot = dfd.toJSON(new dfd.DataFrame(rows).groupby(['service']).agg({ weighted: 'mean', uniform: 'mean', none: 'mean' })) as Array<
    Record<string, string | number>
  >;
  const order = pivot
    .sort((a, b) => Number(b.weighted_mean) - Number(a.weighted_mean) || compareNames(String(a.service), String(b.service)))
    .map((r) => String(r.service));
  return order.map((service) => ({ service, receiving: groupSummary(receiving.filter((p) => p.service === service)) }));
}

function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function iso(t: number): string {
  return new Date(t * 1000).toISOString();
}
