import type { LoadedConfig } from '../config/load-config.ts';
import type { Plan, PlanEntry } from '../report/plan-schema.ts';
import { CoveringSource } from '../sources/covering-source.ts';
import type { DataSource } from '../sources/data-source.ts';
import { type DayProfile, dayIndex, dayProfile } from './day-profile.ts';
import { planEvacuation } from './plan.ts';
import type { PlanIndex } from './plan-index.ts';

/** What the incident UI may ask to plan. */
export interface PlanRequest {
  readonly failedRegion: string;
  /** Epoch seconds. */
  readonly at: number;
  readonly windowMinutes: number;
}

export interface IncidentOptions {
  readonly config: LoadedConfig;
  readonly source: DataSource;
  /** The clock, epoch seconds: traffic samples after now + 1 day are reported. */
  readonly now?: number;
  /** Data ending more than this before the planned time is flagged `stale-data`; default 2 days. */
  readonly staleAfterSeconds?: number;
}

/** The planning side of an incident session: plans and pictures of the day over one load. */
export interface IncidentPlanner {
  plan(request: PlanRequest): Promise<Plan>;
  /** How the entry's ratio and its region's traffic move over the day of `plan`. */
  dayProfile(plan: Plan, entry: PlanEntry): Promise<DayProfile>;
  /** Forgets what was loaded: the next plan reads the data again (live capacity and Min/Max). */
  reload(): void;
}

/**
 * Opens an incident session: data is loaded once for every region's scopes (so switching the
 * failed region never loses a healthy region's capacity), and again only when the planned
 * time moves out of the range loaded. The plans are those of `evac plan --allow-partial-history`.
 */
export function openIncident(options: IncidentOptions): IncidentPlanner {
  const { config } = options;
  const source = new CoveringSource(options.source);
  const lookback = config.evacuation.lookbackDays * 86_400;
  let index: { key: string; index: PlanIndex } | undefined;
  return {
    // The cockpit never refuses a bucket without history: it shows the `no-history` entries and
    // the plan's warnings, so that switching region or time never ends in an error screen.
    plan: (request) =>
      planEvacuation({
        config,
        source,
        ...request,
        allowPartialHistory: true,
        ...(options.now === undefined ? {} : { now: options.now }),
        ...(options.staleAfterSeconds === undefined ? {} : { staleAfterSeconds: options.staleAfterSeconds }),
      }),
    async dayProfile(plan, entry) {
      const at = Date.parse(plan.at) / 1000;
      const loaded = await source.load({ config, scopes: [], from: at - lookback, to: at });
      const k = `${plan.at}|${source.innerLoads}`;
      if (index?.key !== k) index = { key: k, index: dayIndex(loaded, plan) };
      return dayProfile(config, index.index, plan, entry);
    },
    reload: () => source.forget(),
  };
}
