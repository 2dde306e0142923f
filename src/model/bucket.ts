const SECONDS_PER_DAY = 86_400;

/** Number of time-of-day buckets in a UTC day. */
export function bucketsPerDay(bucketMinutes: number): number {
  return Math.floor(1440 / bucketMinutes);
}

/**
 * Time-of-day bucket of a time: floor(minutes since UTC midnight / bucketMinutes).
 * @param t Unix epoch seconds
 * @example bucketOf(Date.UTC(2026, 0, 1, 10, 7) / 1000, 15) // 40
 */
export function bucketOf(t: number, bucketMinutes: number): number {
  const secondsOfDay = ((t % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  return Math.floor(secondsOfDay / 60 / bucketMinutes);
}

/** UTC calendar date of a time, as whole days since the Unix epoch. */
export function utcDay(t: number): number {
  return Math.floor(t / SECONDS_PER_DAY);
}

/** "HH:MM" (UTC) at which a bucket starts. */
export function bucketLabel(bucket: number, bucketMinutes: number): string {
  const minutes = bucket * bucketMinutes;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The buckets a planning window covers: every bucket that overlaps [at, at + windowMinutes),
 * wrapping around midnight; just the bucket of `at` when the window is 0.
 */
export function bucketsCovered(at: number, windowMinutes: number, bucketMinutes: number): number[] {
  const n = bucketsPerDay(bucketMinutes);
  const first = bucketOf(at, bucketMinutes);
  if (windowMinutes <= 0) return [first];
  const minuteOfDay = (((at % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY) / 60;
  const last = Math.ceil((minuteOfDay + windowMinutes) / bucketMinutes) - 1;
  const count = Math.min(n, last - Math.floor(minuteOfDay / bucketMinutes) + 1);
  return Array.from({ length: count }, (_, k) => (first + k) % n);
}

/**
 * The time each bucket of `bucketsCovered` is planned for: `at` for the first, the start of
 * the bucket's occurrence inside the window for the others (so each has its own date).
 */
export function bucketTimes(at: number, windowMinutes: number, bucketMinutes: number): number[] {
  const step = bucketMinutes * 60;
  const firstStart = at - (((at % step) + step) % step);
  return bucketsCovered(at, windowMinutes, bucketMinutes).map((_, k) => (k === 0 ? at : firstStart + k * step));
}
