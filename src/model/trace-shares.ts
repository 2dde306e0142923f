export type TraceFlag = 'pooled-buckets' | 'low-samples' | 'no-traces';

export interface TraceShares {
  /** Share of sampled requests per device type; sums to 1 unless there are no traces. */
  readonly shares: ReadonlyMap<string, number>;
  /** Pooled sample count n. */
  readonly total: number;
  /** How far the pool was widened: buckets b0-k..b0+k were used. */
  readonly widenedBy: number;
  /** The buckets pooled, b0 first. */
  readonly buckets: readonly number[];
  readonly flags: readonly TraceFlag[];
}

/**
 * A device type's trace counts by time-of-day bucket: an array indexed by bucket (plain or
 * typed), or a compact store that answers for the buckets it holds. Undefined: no count (0).
 */
export interface BucketCounts {
  at(bucket: number): number | undefined;
}

/**
 * A service's device-type shares in one region at bucket b0, from sampled trace counts.
 *
 * If the count at b0 is below `minSamples`, the pool is widened symmetrically to b0±1,
 * b0±2, ... (wrapping around midnight) until it reaches `minSamples` or covers the whole
 * day. S[d] = pooled count of d / pooled total.
 *
 * @param counts device type -> trace count per bucket
 * @param bucketCount buckets per day
 */
export function traceShares(counts: ReadonlyMap<string, BucketCounts>, b0: number, bucketCount: number, minSamples: number): TraceShares {
  // Each device type's count in the pool last counted, the one chosen: its share is that over the total.
  const perDevice: number[] = new Array(counts.size);
  const pool = tracePool((buckets) => countPool(counts, buckets, perDevice), b0, bucketCount, minSamples);
  const { total, widenedBy: k } = pool;
  const shares = new Map<string, number>();
  if (total > 0) {
    let i = 0;
    counts.forEach((_, device) => {
      const n = perDevice[i++] as number;
      if (n > 0) shares.set(device, n / total);
    });
  }
  return {
    shares,
    total,
    widenedBy: k,
    buckets: pool.buckets,
    flags: POOL_FLAGS[(k > 0 ? 1 : 0) + (total < minSamples ? 2 : 0) + (total === 0 ? 4 : 0)] as readonly TraceFlag[],
  };
}

/**
 * The flags of a pool, indexed by 1 if it was widened (`pooled-buckets`) + 2 if it is short of
 * minSamples (`low-samples`) + 4 if it is empty (`no-traces`): made once, as a plan asks thousands.
 */
const POOL_FLAGS: readonly (readonly TraceFlag[])[] = Array.from({ length: 8 }, (_, bits) =>
  Object.freeze((['pooled-buckets', 'low-samples', 'no-traces'] as const).filter((_, i) => bits & (1 << i))),
);

/**
 * The trace count of `buckets`, summed device type by device type in the order of `counts` and
 * bucket by bucket; each device type's own sum is left in `perDevice`, in the same order.
 */
function countPool(counts: ReadonlyMap<string, BucketCounts>, buckets: readonly number[], perDevice: number[]): number {
  let total = 0;
  let i = 0;
  counts.forEach((perBucket) => {
    let n = 0;
    for (let j = 0; j < buckets.length; j++) {
      const count = perBucket.at(buckets[j] as number) ?? 0;
      n += count;
      total += count;
    }
    perDevice[i++] = n;
  });
  return total;
}

/** The pool of buckets around b0 that trace shares use (see traceShares), and its count. */
export interface TracePool {
  /** The buckets pooled, b0 first. */
  readonly buckets: number[];
  readonly total: number;
  readonly widenedBy: number;
}

/**
 * The widening rule of traceShares alone: b0, then b0±1, b0±2, ... (wrapping around midnight)
 * until `countOf` the pooled buckets reaches `minSamples` or the pool covers the whole day.
 * @param countOf the trace count of some buckets (all device types together); its last call is
 *   with the pool returned
 */
export function tracePool(countOf: (buckets: readonly number[]) => number, b0: number, bucketCount: number, minSamples: number): TracePool {
  const order = [b0];
  let total = countOf(order);
  let k = 0;
  // While fewer than every bucket are pooled (2k - 1 < bucketCount), b0 - k and b0 + k are new
  // buckets, the same one when 2k = bucketCount: no set of the pooled ones is needed.
  while (total < minSamples && order.length < bucketCount) {
    k += 1;
    const before = (b0 - k + bucketCount) % bucketCount;
    const after = (b0 + k) % bucketCount;
    order.push(before);
    if (after !== before) order.push(after);
    total = countOf(order);
  }
  return { buckets: order, total, widenedBy: k };
}
