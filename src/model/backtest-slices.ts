import { bucketOf } from './bucket.ts';

/** A piece of a past evacuation window inside one time-of-day bucket: [start, end). */
export interface WindowSlice {
  /** Epoch seconds, inclusive. */
  readonly start: number;
  /** Epoch seconds, exclusive. */
  readonly end: number;
  readonly bucket: number;
}

/**
 * Cuts [start, end) at bucket boundaries: the first and last slices may be shorter than a
 * bucket when the window is not aligned; an empty window (end <= start) has no slices.
 * @example windowSlices(10:10, 10:40, 15) // [10:10-10:15 b40, 10:15-10:30 b41, 10:30-10:40 b42]
 */
export function windowSlices(start: number, end: number, bucketMinutes: number): WindowSlice[] {
  const step = bucketMinutes * 60;
  const slices: WindowSlice[] = [];
  let t = start;
  while (t < end) {
    const next = Math.min(end, t - (((t % step) + step) % step) + step);
    slices.push({ start: t, end: next, bucket: bucketOf(t, bucketMinutes) });
    t = next;
  }
  return slices;
}

/**
 * The mean of the values of the samples with start <= t < end, or undefined when none.
 * O(n) over the samples given.
 */
export function meanInSlice(samples: readonly { readonly t: number; readonly value: number }[], slice: Pick<WindowSlice, 'start' | 'end'>): number | undefined {
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (s.t >= slice.start && s.t < slice.end) {
      sum += s.value;
      count += 1;
    }
  }
  return count === 0 ? undefined : sum / count;
}
