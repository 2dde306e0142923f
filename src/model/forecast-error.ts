import { median } from 'simple-statistics';

/** One prediction of a slice against what was observed, with the service's headroom. */
export interface SliceForecast {
  readonly predicted: number;
  /** Must be > 0: a slice with nothing observed has no percentage error. */
  readonly observed: number;
  readonly headroom: number;
}

export interface ErrorSummary {
  /** Mean absolute percentage error, as a fraction (0.0135 = 1.35%); null without slices. */
  readonly mape: number | null;
  /** Median of the absolute percentage errors; null without slices. */
  readonly medianApe: number | null;
  /** Mean signed error (predicted - observed) / observed: negative under-predicts; null without slices. */
  readonly bias: number | null;
  /** Slices where the prediction with headroom still falls short: observed > predicted x (1 + headroom). */
  readonly slicesShort: number;
}

/** (predicted - observed) / observed. @throws when observed is not > 0 */
export function signedError(predicted: number, observed: number): number {
  if (!(observed > 0)) throw new Error('signedError requires an observed value > 0');
  return (predicted - observed) / observed;
}

/** |predicted - observed| / observed. @throws when observed is not > 0 */
export function absolutePercentageError(predicted: number, observed: number): number {
  return Math.abs(signedError(predicted, observed));
}

/** Whether capacity sized from the prediction with headroom would not have carried the observed demand. */
export function isShort(f: SliceForecast): boolean {
  return f.observed > f.predicted * (1 + f.headroom) + 1e-9;
}

/**
 * MAPE, median APE, bias and short slices over a list of slice forecasts, every slice
 * weighing the same. O(n log n) for the median.
 */
export function errorSummary(forecasts: readonly SliceForecast[]): ErrorSummary {
  if (forecasts.length === 0) return { mape: null, medianApe: null, bias: null, slicesShort: 0 };
  const signed = forecasts.map((f) => signedError(f.predicted, f.observed));
  const apes = signed.map(Math.abs);
  return {
    mape: apes.reduce((a, b) => a + b, 0) / apes.length,
    medianApe: median(apes),
    bias: signed.reduce((a, b) => a + b, 0) / signed.length,
    slicesShort: forecasts.filter(isShort).length,
  };
}
