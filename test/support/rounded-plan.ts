import type { Plan, PlanEntry } from '../../src/report/plan-schema.ts';

const round = (x: number) => Math.round(x * 1e9) / 1e9;

/**
 * A plan's entries with every number they compute rounded to 9 decimals: plans made from the
 * same history by different routes (spans or trace counts, folded or precomputed) add in
 * another order, so their last bits may differ. `withoutConfigFile` also drops where each
 * entry's config came from.
 */
export function roundedEntries(plan: Plan, { withoutConfigFile = false } = {}): unknown[] {
  return plan.services.map(({ configFile, ...rest }: PlanEntry) => {
    const e = { ...rest, ...(withoutConfigFile ? {} : { configFile }) };
    return {
      ...e,
      weightedRatio: round(e.weightedRatio),
      uniformRatio: round(e.uniformRatio),
      uniformError: round(e.uniformError),
      ci95: e.ci95.map(round),
      deviceContributions: e.deviceContributions.map((c) => ({ ...c, share: round(c.share), ratio: round(c.ratio), contribution: round(c.contribution) })),
      demand: e.demand && {
        nominal: round(e.demand.nominal),
        predicted: round(e.demand.predicted),
        byDevice: e.demand.byDevice.map((d) => ({ ...d, predicted: round(d.predicted) })),
      },
    };
  });
}
