import type { AwsClients } from '../aws/clients.ts';
import type { Scaler } from '../scaling/scaler.ts';
import { readLiveCapacity, readRegions } from './cloudwatch-source.ts';
import type { DataSource, LoadRequest, LoadResult } from './data-source.ts';

export interface LiveCapacitySourceOptions {
  /** Where traffic, traces, demand and past evacuations come from, e.g. a precomputed directory. */
  readonly history: DataSource;
  readonly clients: AwsClients;
  readonly scaler: Scaler;
  readonly regionTimeoutMs?: number;
  /** Current time, epoch seconds (capacity is read up to now). */
  readonly now?: () => number;
}

/**
 * The incident source: the history from a precomputed directory (`evac precompute`), and only
 * today's capacity and Min/Max live from AWS, for the regions being planned. The failed region
 * is never called: a plan needs nothing from its APIs. A planned region that cannot be read is
 * reported unreachable (its entries are flagged capacity-unknown and region-unreachable). The
 * live capacity is read first: the buckets of history a plan needs depend on it.
 */
export class LiveCapacitySource implements DataSource {
  constructor(private readonly options: LiveCapacitySourceOptions) {}

  async load(request: LoadRequest): Promise<LoadResult> {
    const regions = [...new Set(request.scopes.map((s) => s.region))].sort();
    const now = Math.floor(this.options.now?.() ?? Date.now() / 1000);
    const live = await readRegions(this.options.clients, regions, this.options.regionTimeoutMs, (region, signal) =>
      readLiveCapacity(
        this.options,
        region,
        request.scopes.filter((s) => s.region === region),
        Math.min(request.to, now),
        signal,
      ),
    );
    const capacity = live.loaded.flat();
    // The buckets wanted depend on the capacity planned with (its observation times): the live one.
    const wanted = request.buckets;
    const history = await this.options.history.load(wanted ? { ...request, buckets: (partial, read) => wanted({ ...partial, capacity }, read) } : request);
    return {
      data: { ...history.data, capacity },
      unreachable: [...history.unreachable, ...live.unreachable],
      apiCalls: live.apiCalls,
      description: `${history.description}; capacity and Min/Max live from AWS (${regions.length - live.unreachable.length}/${regions.length} regions)`,
    };
  }
}
