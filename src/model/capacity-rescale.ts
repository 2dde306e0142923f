/** How current capacity was carried from the hour it was observed to the planned bucket. */
export interface CapacityRescale {
  /** D[s,r,b] / demand at observation: current capacity is multiplied by it. */
  readonly factor: number;
  /** When the capacity was observed, epoch seconds. */
  readonly observedAt: number;
  readonly demandAtObservation: number;
  /** `sample`: the nearest demand sample within one bucket; `nominal`: the nominal level of the observation's bucket. */
  readonly from: 'sample' | 'nominal';
}

/**
 * An autoscaled service runs the capacity its demand needs at the hour it is observed; to
 * size another bucket, scale it by the ratio of the planned bucket's nominal demand to the
 * demand at observation. Undefined (capacity taken as observed at the planned time) when
 * the observation is in the planned bucket, or either demand is unknown or not positive.
 */
export function capacityRescale(input: {
  readonly observedAt: number;
  readonly observedBucket: number;
  readonly plannedBucket: number;
  /** Nominal demand D[s,r,b] at the planned bucket. */
  readonly plannedDemand: number | undefined;
  readonly sampleAtObservation: number | undefined;
  readonly nominalAtObservation: number | undefined;
}): CapacityRescale | undefined {
  if (input.observedBucket === input.plannedBucket) return undefined;
  const from = input.sampleAtObservation !== undefined ? 'sample' : 'nominal';
  const demandAtObservation = input.sampleAtObservation ?? input.nominalAtObservation;
  if (input.plannedDemand === undefined || demandAtObservation === undefined || !(demandAtObservation > 0) || !(input.plannedDemand >= 0)) return undefined;
  return { factor: input.plannedDemand / demandAtObservation, observedAt: input.observedAt, demandAtObservation, from };
}

/**
 * The sample nearest to `t` within `maxDistance` seconds (ties: the earlier), or undefined.
 * Streaming: feed every sample of the series to `offer`.
 */
export class NearestSample {
  private best: { readonly t: number; readonly value: number } | undefined;

  constructor(
    private readonly t: number,
    private readonly maxDistance: number,
  ) {}

  offer(t: number, value: number): void {
    const d = Math.abs(t - this.t);
    if (d > this.maxDistance) return;
    if (!this.best || d < Math.abs(this.best.t - this.t) || (d === Math.abs(this.best.t - this.t) && t < this.best.t)) this.best = { t, value };
  }

  get value(): number | undefined {
    return this.best?.value;
  }
}
