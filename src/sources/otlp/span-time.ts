/**
 * `startTimeUnixNano` (a decimal string in OTLP/JSON, a number in some writers) as epoch
 * seconds, or undefined when it is neither nanoseconds as a string of 1 to 20 digits nor a
 * finite number >= 0.
 */
export function epochSeconds(nanos: unknown): number | undefined {
  if (typeof nanos === 'number') return Number.isFinite(nanos) && nanos >= 0 ? nanos / 1e9 : undefined;
  if (typeof nanos !== 'string' || !/^\d{1,20}$/.test(nanos)) return undefined;
  return nanos.length > 9 ? secondsOfNanos(Number(nanos.slice(0, -9)), Number(nanos.slice(-9))) : Number(nanos) / 1e9;
}

/**
 * Whole seconds plus the nanoseconds, computed apart because nanoseconds since the epoch do not
 * fit a double exactly (the byte scanner calls this with the same two numbers).
 */
export function secondsOfNanos(seconds: number, nanos: number): number {
  return seconds + nanos / 1e9;
}
