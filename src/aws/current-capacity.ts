import type { MetricQuery, MetricStat } from '../config/metric-query.ts';
import type { CallOptions, CapacityReader } from '../scaling/scaler.ts';
import type { AwsClients } from './clients.ts';
import { fetchBatch } from './get-metric-data.ts';
import { packQueries } from './metric-queries.ts';

/** How far back the latest point of a capacity metric is looked for. */
export const CAPACITY_LOOKBACK_SECONDS = 3600;

/**
 * The latest point of each capacity metric of one region, at or before `at` (the still-filling
 * period included: capacity is a gauge), looked for over the last hour or three periods.
 * Keys without a point in that range are absent. One GetMetricData call per 500 metrics.
 */
export async function readCurrentCapacity(
  clients: AwsClients,
  region: string,
  metrics: ReadonlyMap<string, MetricQuery>,
  at: number,
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (metrics.size === 0) return out;
  const client = clients.cloudWatch(region);
  for (const batch of packQueries(
    [...metrics].map(([key, query]) => ({ tag: key, query })),
    { mixPeriods: true },
  )) {
    const result = await fetchBatch(client, batch, { ...latestRange(at, batch.period), scanBy: 'TimestampDescending', ...(signal ? { signal } : {}) });
    for (const { tag, series } of result.values()) {
      let latest: number | undefined;
      for (let i = 0; i < series.timestamps.length; i++)
        if (latest === undefined || (series.timestamps[i] as number) > (series.timestamps[latest] as number)) latest = i;
      if (latest !== undefined) out.set(tag, series.values[latest] as number);
    }
  }
  return out;
}

function latestRange(at: number, period: number): { start: number; end: number } {
  const span = Math.max(CAPACITY_LOOKBACK_SECONDS, 3 * period);
  const start = Math.floor((at - span) / period) * period;
  return { start, end: Math.max(start + period, Math.ceil(at / period) * period) };
}

/** The CapacityReader port over CloudWatch GetMetricData. */
export class CloudWatchCapacityReader implements CapacityReader {
  constructor(private readonly clients: AwsClients) {}

  currentCapacity(region: string, metrics: ReadonlyMap<string, MetricStat>, at: number, options: CallOptions = {}): Promise<Map<string, number>> {
    return readCurrentCapacity(this.clients, region, metrics, at, options.signal);
  }
}
