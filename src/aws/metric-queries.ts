import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { isMetricMath, type MetricQuery, type MetricStat } from '../config/metric-query.ts';
import { EvacError } from '../errors.ts';
import { getOrInsert } from '../model/get-or-insert.ts';

/** GetMetricData takes at most 500 queries a request, the hidden ones of metric math included. */
export const MAX_QUERIES_PER_REQUEST = 500;

/** One series wanted, and what the caller calls it. */
export interface SeriesRequest<T> {
  readonly tag: T;
  readonly query: MetricQuery;
}

/** One GetMetricData request's queries and the tag of each returned id. */
export interface QueryBatch<T> {
  /** The period of every query, or the longest one when periods were mixed. */
  readonly period: number;
  readonly queries: readonly MetricDataQuery[];
  readonly tags: ReadonlyMap<string, T>;
}

export interface PackOptions {
  /** Queries a request may hold. Default 500. */
  readonly maxQueries?: number;
  /**
   * Put series of different periods in one request. Right for latest-value reads of gauges;
   * wrong for history, whose time range must be aligned to each query's period.
   */
  readonly mixPeriods?: boolean;
}

/**
 * Packs series into as few GetMetricData requests as the 500-query limit allows, one group
 * of requests per period unless `mixPeriods` (a request has one time range). A metric-math
 * series travels with its hidden metrics, renamed `q<N>_<id>` so that ids stay unique in the
 * request, its expression rewritten to match.
 *
 * @throws EvacError when one metric-math series alone needs more than 500 queries.
 */
export function packQueries<T>(requests: readonly SeriesRequest<T>[], options: PackOptions = {}): QueryBatch<T>[] {
  const maxQueries = options.maxQueries ?? MAX_QUERIES_PER_REQUEST;
  const byPeriod = new Map<number, { queries: MetricDataQuery[]; tag: T; id: string; period: number }[]>();
  requests.forEach((request, n) => {
    const id = `q${n}`;
    const group = { queries: toQueries(id, request.query), tag: request.tag, id };
    if (group.queries.length > maxQueries) {
      throw new EvacError(`a metric-math query needs ${group.queries.length} queries: GetMetricData takes at most ${maxQueries} in one request`, {
        hint: 'use fewer metrics in the expression, or SEARCH()',
      });
    }
    const period = options.mixPeriods ? 0 : request.query.period;
    getOrInsert(byPeriod, period, () => []).push({ ...group, period: request.query.period });
  });
  const batches: QueryBatch<T>[] = [];
  for (const [, groups] of [...byPeriod].sort(([a], [b]) => a - b)) {
    let queries: MetricDataQuery[] = [];
    let tags = new Map<string, T>();
    let period = 0;
    for (const group of groups) {
      if (queries.length + group.queries.length > maxQueries) {
        batches.push({ period, queries, tags });
        queries = [];
        tags = new Map();
        period = 0;
      }
      queries.push(...group.queries);
      tags.set(group.id, group.tag);
      period = Math.max(period, group.period);
    }
    if (queries.length > 0) batches.push({ period, queries, tags });
  }
  return batches;
}

function toQueries(id: string, query: MetricQuery): MetricDataQuery[] {
  if (!isMetricMath(query)) return [{ Id: id, MetricStat: metricStat(query), ReturnData: true }];
  const rename = new Map(Object.keys(query.metrics).map((m) => [m, `${id}_${m}`]));
  const hidden = Object.entries(query.metrics).map(([m, stat]) => ({ Id: rename.get(m) as string, MetricStat: metricStat(stat), ReturnData: false }));
  return [...hidden, { Id: id, Expression: renameIds(query.expression, rename), Period: query.period, ReturnData: true }];
}

function metricStat(m: MetricStat): NonNullable<MetricDataQuery['MetricStat']> {
  return {
    Metric: { Namespace: m.namespace, MetricName: m.name, Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })) },
    Period: m.period,
    Stat: m.stat,
  };
}

/**
 * Replaces metric ids in a metric-math expression, leaving function names (upper case),
 * numbers and quoted strings (SEARCH terms) alone.
 */
export function renameIds(expression: string, rename: ReadonlyMap<string, string>): string {
  return expression
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (word) => rename.get(word) ?? word)))
    .join('');
}

/**
 * A time range aligned to a period: whole periods only, the start rounded down and the end
 * rounded down too, so the last, still-filling period is left out (its Sum would read low).
 */
export function alignedRange(from: number, to: number, period: number): { start: number; end: number } {
  const start = Math.floor(from / period) * period;
  const end = Math.max(start + period, Math.floor(to / period) * period);
  return { start, end };
}
