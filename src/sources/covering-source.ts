import { allRegionScopes } from '../config/resolve-scope.ts';
import type { DataSource, LoadRequest, LoadResult } from './data-source.ts';

interface Cached {
  readonly config: LoadRequest['config'];
  readonly from: number;
  readonly to: number;
  readonly result: Promise<LoadResult>;
}

/**
 * A source for a session that plans many failed regions and times (the incident UI): it loads
 * every region's scopes at once, so that switching failed region never lacks a healthy region's
 * capacity, and answers every later request whose time range it covers from that one load.
 * A request outside the range loads again, over the union of both ranges. A failed load is not
 * kept, so the next request tries again.
 */
export class CoveringSource implements DataSource {
  private cached: Cached | undefined;
  private loads = 0;

  constructor(private readonly inner: DataSource) {}

  load(request: LoadRequest): Promise<LoadResult> {
    const c = this.cached;
    if (c && c.config === request.config && c.from <= request.from && request.to <= c.to) return c.result;
    const from = c && c.config === request.config ? Math.min(c.from, request.from) : request.from;
    const to = c && c.config === request.config ? Math.max(c.to, request.to) : request.to;
    this.loads += 1;
    // The load answers later requests too: every bucket, not this request's.
    const { buckets: _, ...whole } = request;
    const result = this.inner.load({ ...whole, scopes: allRegionScopes(request.config), from, to });
    const entry: Cached = { config: request.config, from, to, result };
    this.cached = entry;
    result.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return result;
  }

  /** Drops the load kept: the next request loads again. */
  forget(): void {
    this.cached = undefined;
  }

  /** How many times the inner source was asked to load. */
  get innerLoads(): number {
    return this.loads;
  }
}
