import { mapLimit } from '../async/map-limit.ts';
import { DEFAULT_REGION_TIMEOUT_MS, forEachRegion } from '../async/regions.ts';
import type { AwsClients } from '../aws/clients.ts';
import { readCurrentCapacity } from '../aws/current-capacity.ts';
import { fetchBatch } from '../aws/get-metric-data.ts';
import { alignedRange, packQueries, type SeriesRequest } from '../aws/metric-queries.ts';
import type { MetricStat } from '../config/metric-query.ts';
import type { ScopedServiceConfig } from '../config/resolve-scope.ts';
import { EvacError, inputError } from '../errors.ts';
import { compareNames } from '../model/name-order.ts';
import type { CapacityRecord, DemandSample, EvacuationWindow, TraceSample, TrafficSample } from '../model/planning-data.ts';
import { defaultCapacityMetric } from '../scaling/capacity-metric.ts';
import { type MinMax, type Scaler, type TargetRef, targetKey } from '../scaling/scaler.ts';
import { readEvacuations } from './data-files.ts';
import type { DataSource, LoadRequest, LoadResult, UnreachableRegion } from './data-source.ts';
import { readTraceInput, type TraceReportSink, traceInputNotes } from './trace-input.ts';

export interface CloudWatchSourceOptions {
  readonly clients: AwsClients;
  /** Reads today's Min/Max (DescribeScalableTargets). */
  readonly scaler: Scaler;
  /** Trace samples CSV (`--traces`: timestamp,region,service,device_type,count), or OTLP span files (a directory or .json[l], .binpb or .pb (optionally .gz)). */
  readonly tracesFile: string;
  /** Receives the report of OTLP span input, for stderr. */
  readonly onTraceReport?: TraceReportSink;
  /** Past evacuations CSV (start,end,failed_region); none when absent. */
  readonly evacuationsFile?: string;
  /** Time each region has for all its calls; a region that takes longer is unreachable. */
  readonly regionTimeoutMs?: number;
  /** GetMetricData requests in flight per region. Default 4. */
  readonly concurrency?: number;
  /** Current time, epoch seconds (capacity is read up to now). */
  readonly now?: () => number;
}

type Tag = { readonly kind: 'traffic'; readonly device: string } | { readonly kind: 'demand'; readonly service: string };

interface RegionData {
  readonly traffic: TrafficSample[];
  readonly demand: DemandSample[];
  readonly capacity: CapacityRecord[];
}

/**
 * `--source aws`: regional device traffic, service demand and current capacity from CloudWatch
 * GetMetricData, today's Min/Max from Application Auto Scaling, trace shares from a trace file.
 *
 * Calls per region: ceil(history queries / 500) GetMetricData requests (more only when
 * CloudWatch pages the datapoints), one for current capacity, and one DescribeScalableTargets
 * per 50 targets. Regions are read in parallel, each within `regionTimeoutMs`; a region that
 * fails or does not answer in time is returned in `unreachable` and the others are planned.
 */
export class CloudWatchSource implements DataSource {
  constructor(private readonly options: CloudWatchSourceOptions) {}

  async load(request: LoadRequest): Promise<LoadResult> {
    const { config } = request;
    const regions = new Set(config.evacuation.regions);
    const traces = await readTraceInput(this.options.tracesFile, config);
    if (!traces.ok) throw inputError(traces.issues, 'fix the trace file given with --traces');
    const notes = traceInputNotes(traces.data);
    if (notes.lines.length > 0) this.options.onTraceReport?.(notes.lines);
    const evacuations = this.readEvacuations(regions);
    const traffic = config.evacuation.trafficMetric;
    if (!traffic) {
      throw new EvacError(`${config.dir}/evacuation.yaml has no trafficMetric: --source aws reads regional traffic by device type from it`, {
        hint: 'add trafficMetric {namespace, name, dimensions, deviceDimension, deviceTypes}, or use --source files',
      });
    }
    const { loaded, unreachable, apiCalls } = await readRegions(
      this.options.clients,
      config.evacuation.regions,
      this.options.regionTimeoutMs,
      (region, signal) =>
        this.loadRegion(
          region,
          request.scopes.filter((s) => s.region === region),
          request,
          signal,
        ),
    );
    return {
      data: {
        traffic: loaded.flatMap((r) => r.traffic),
        traces: traces.data.samples satisfies readonly TraceSample[],
        demand: loaded.flatMap((r) => r.demand),
        capacity: loaded.flatMap((r) => r.capacity),
        evacuations,
      },
      unreachable,
      apiCalls,
      description: `CloudWatch and Application Auto Scaling (${config.evacuation.regions.length - unreachable.length}/${config.evacuation.regions.length} regions), traces from ${this.options.tracesFile}`,
      ...(notes.warnings.length > 0 ? { warnings: notes.warnings } : {}),
    };
  }

  private readEvacuations(regions: ReadonlySet<string>): EvacuationWindow[] {
    if (this.options.evacuationsFile === undefined) return [];
    const result = readEvacuations(this.options.evacuationsFile, regions);
    if (!result.ok) throw inputError(result.issues);
    return result.data;
  }

  private async loadRegion(region: string, scopes: readonly ScopedServiceConfig[], request: LoadRequest, signal: AbortSignal): Promise<RegionData> {
    const trafficMetric = request.config.evacuation.trafficMetric;
    const history: SeriesRequest<Tag>[] = [];
    if (trafficMetric) {
      const { deviceDimension, deviceTypes, ...stat } = trafficMetric;
      for (const device of deviceTypes) {
        const dimensions = Object.fromEntries(Object.entries(stat.dimensions).map(([k, v]) => [k, fill(v, region)]));
        history.push({ tag: { kind: 'traffic', device }, query: { ...stat, dimensions: { ...dimensions, [deviceDimension]: device } } });
      }
    }
    for (const scope of scopes) if (scope.demandMetric) history.push({ tag: { kind: 'demand', service: scope.name }, query: scope.demandMetric });
    const now = Math.floor(this.options.now?.() ?? Date.now() / 1000);
    const [historySeries, capacity] = await Promise.all([
      this.fetchHistory(region, history, request, signal),
      readLiveCapacity(this.options, region, scopes, Math.min(request.to, now), signal),
    ]);

    const traffic: TrafficSample[] = [];
    const demand: DemandSample[] = [];
    for (const { tag, timestamps, values } of historySeries) {
      for (let i = 0; i < timestamps.length; i++) {
        const t = timestamps[i] as number;
        const value = values[i] as number;
        if (tag.kind === 'traffic') traffic.push({ t, region, device: tag.device, value });
        else demand.push({ t, region, service: tag.service, value });
      }
    }
    return { traffic, demand, capacity };
  }

  /** Traffic and demand over (from, to], whole periods only, batches in parallel. */
  private async fetchHistory(
    region: string,
    requests: readonly SeriesRequest<Tag>[],
    request: LoadRequest,
    signal: AbortSignal,
  ): Promise<{ tag: Tag; timestamps: number[]; values: number[] }[]> {
    if (requests.length === 0) return [];
    const client = this.options.clients.cloudWatch(region);
    const results = await mapLimit(packQueries(requests), this.options.concurrency ?? 4, (batch) =>
      fetchBatch(client, batch, { ...alignedRange(request.from, request.to, batch.period), scanBy: 'TimestampAscending', signal }),
    );
    return results.flatMap((m) => [...m.values()].map(({ tag, series }) => ({ tag, ...series })));
  }
}

function fill(value: string, region: string): string {
  return value.replaceAll('{region}', region).replaceAll('{shard}', '');
}

/**
 * Today's capacity of a region's targets: running capacity from each scope's capacity metric
 * (or the namespace default), Min/Max from DescribeScalableTargets. A target that is not
 * registered has no record (the plan flags it capacity-unknown).
 */
export async function readLiveCapacity(
  aws: { readonly clients: AwsClients; readonly scaler: Scaler },
  region: string,
  scopes: readonly ScopedServiceConfig[],
  at: number,
  signal: AbortSignal,
): Promise<CapacityRecord[]> {
  const capacityMetrics = new Map<string, MetricStat>();
  const targets: { scope: ScopedServiceConfig; target: TargetRef }[] = [];
  for (const scope of scopes) {
    const metric: MetricStat | undefined = scope.capacityMetric ?? (scope.scalableTarget ? defaultCapacityMetric(scope.scalableTarget) : undefined);
    if (metric) capacityMetrics.set(scope.name, metric);
    if (scope.scalableTarget) targets.push({ scope, target: scope.scalableTarget });
  }
  const [current, minMax] = await Promise.all([
    readCurrentCapacity(aws.clients, region, capacityMetrics, at, signal),
    targets.length === 0
      ? Promise.resolve(new Map<string, MinMax>())
      : aws.scaler.describeTargets(
          region,
          targets.map((t) => t.target),
          { signal },
        ),
  ]);
  const capacity: CapacityRecord[] = [];
  for (const { scope, target } of targets) {
    const observed = minMax.get(targetKey(target));
    if (!observed) continue;
    capacity.push({ region, service: scope.name, current: current.get(scope.name) ?? null, min: observed.min, max: observed.max, observedAt: at });
  }
  return capacity;
}

/**
 * Reads several regions in parallel, each within its own deadline: a region that fails or does
 * not answer in time is listed as unreachable and the others go on. Throws when none answered.
 * Returns the API calls made meanwhile, by API.
 */
export async function readRegions<T>(
  clients: AwsClients,
  regions: readonly string[],
  timeoutMs: number | undefined,
  read: (region: string, signal: AbortSignal) => Promise<T>,
): Promise<{ loaded: T[]; unreachable: UnreachableRegion[]; apiCalls: Record<string, number> }> {
  const before = clients.calls.calls();
  const results = await forEachRegion(regions, timeoutMs ?? DEFAULT_REGION_TIMEOUT_MS, read);
  const loaded = [...results.answered.values()];
  const unreachable: UnreachableRegion[] = [...results.failed].map(([region, reason]) => ({ region, reason }));
  unreachable.sort((a, b) => compareNames(a.region, b.region));
  if (loaded.length === 0 && regions.length > 0) {
    throw new EvacError(`no region could be read from AWS:\n${unreachable.map((u) => `  ${u.region}: ${u.reason}`).join('\n')}`, {
      hint: 'check credentials (--profile, AWS_PROFILE), --endpoint-url, and network access to the regional endpoints',
    });
  }
  const after = clients.calls.calls();
  const apiCalls = Object.fromEntries(
    Object.entries(after)
      .map(([api, n]) => [api, n - (before[api] ?? 0)])
      .filter(([, n]) => (n as number) > 0),
  ) as Record<string, number>;
  return { loaded, unreachable, apiCalls };
}
