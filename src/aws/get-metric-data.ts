import { type CloudWatchClient, paginateGetMetricData, type ScanBy } from '@aws-sdk/client-cloudwatch';
import { onceEachToken } from './page-tokens.ts';
import type { QueryBatch } from './metric-queries.ts';

/** One returned series: epoch-second timestamps and their values, in the order asked for. */
export interface Series {
  readonly timestamps: number[];
  readonly values: number[];
}

export interface FetchOptions {
  /** Epoch seconds, aligned to the batch period. */
  readonly start: number;
  readonly end: number;
  readonly scanBy?: ScanBy;
  readonly signal?: AbortSignal;
}

/**
 * Runs one batch of queries with GetMetricData, following NextToken until every page is in,
 * and returns each tagged series (the hidden metrics of metric math are not returned).
 * A query CloudWatch answers with `Forbidden` or `InternalError` fails the whole batch.
 */
export async function fetchBatch<T>(client: CloudWatchClient, batch: QueryBatch<T>, options: FetchOptions): Promise<Map<string, { tag: T; series: Series }>> {
  const out = new Map<string, { tag: T; series: Series }>();
  for (const [id, tag] of batch.tags) out.set(id, { tag, series: { timestamps: [], values: [] } });
  const pages = paginateGetMetricData(
    { client },
    {
      MetricDataQueries: [...batch.queries],
      StartTime: new Date(options.start * 1000),
      EndTime: new Date(options.end * 1000),
      ScanBy: options.scanBy ?? 'TimestampAscending',
    },
    options.signal ? { abortSignal: options.signal } : {},
  );
  for await (const page of onceEachToken(pages, 'GetMetricData')) {
    for (const result of page.MetricDataResults ?? []) {
      if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
        const message = (result.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join('; ');
        throw new Error(`GetMetricData answered ${result.StatusCode} for a query${message ? ` (${message})` : ''}`);
      }
      const entry = result.Id === undefined ? undefined : out.get(result.Id);
      if (!entry) continue;
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
        entry.series.timestamps.push(Math.round((timestamps[i] as Date).getTime() / 1000));
        entry.series.values.push(values[i] as number);
      }
    }
  }
  return out;
}
