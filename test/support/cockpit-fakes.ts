import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import type { CockpitActions, CockpitPlanner } from '../../cli/ui/cockpit-actions.ts';
import type { Plan, PlanEntry } from '../../src/report/plan-schema.ts';
import type { ApplyResult, PlannedChange } from '../../src/services/apply.ts';
import type { DayProfile } from '../../src/services/day-profile.ts';
import type { StatusResult, TargetProgress } from '../../src/services/status.ts';
import { exceedingEntry, plan, planEntry } from './report-builders.ts';

/** A plan of `n` services in us-east-1 and eu-west-1: the first exceeds its max, the second has few traces. */
export function cockpitPlan(n: number, overrides: Partial<Plan> = {}): Plan {
  const services: PlanEntry[] = [];
  for (let i = 0; i < n; i++) {
    const name = `service-${String(i).padStart(2, '0')}`;
    const region = i % 2 === 0 ? 'us-east-1' : 'eu-west-1';
    const target = { serviceNamespace: 'ecs', resourceId: `service/prod/${name}`, scalableDimension: 'ecs:service:DesiredCount', allowMaxIncrease: false };
    const ratio = 1.2 + i / 100;
    const base = {
      service: name,
      baseService: name,
      region,
      weightedRatio: ratio,
      ci95: [ratio - 0.02, ratio + 0.02] as [number, number],
      scalableTarget: target,
    };
    if (i === 0) services.push(exceedingEntry(140, 120, { ...base, currentCapacity: 90, minCapacity: 40 }));
    else if (i === 1) services.push(planEntry({ ...base, traceSamples: 12, flags: ['pooled-buckets', 'low-samples'] }));
    else services.push(planEntry(base));
  }
  return plan({
    services,
    healthyRegions: [
      { region: 'us-east-1', steeringWeight: 0.8 },
      { region: 'eu-west-1', steeringWeight: 0.2 },
    ],
    ...overrides,
  });
}

export const FIXED_NOW = Date.parse('2026-11-23T12:00:00Z') / 1000;

/** A planner that answers every region with `make(region)`, recording what was asked. */
export function fakePlanner(make: (failedRegion: string) => Plan | Promise<Plan>): CockpitPlanner & { asked: string[]; reloads: number } {
  const asked: string[] = [];
  return {
    asked,
    reloads: 0,
    reload() {
      this.reloads += 1;
    },
    plan: async (r) => {
      asked.push(r.failedRegion);
      return make(r.failedRegion);
    },
    dayProfile: async (p, e): Promise<DayProfile> => ({
      service: e.service,
      region: e.region,
      bucketMinutes: p.bucketMinutes,
      plannedBucket: p.bucket,
      weighted: Array.from({ length: 24 }, (_, b) => 1.2 + (b === p.bucket ? 0.3 : 0)),
      uniform: Array.from({ length: 24 }, () => 1.25),
      receiving: Array.from({ length: 24 }, (_, b) => 100 + b),
      receivingEvacuated: Array.from({ length: 24 }, (_, b) => 150 + b),
    }),
  };
}

export function change(service: string, region: string, before: number, after: number): PlannedChange {
  return {
    region,
    service,
    target: { serviceNamespace: 'ecs', resourceId: `service/prod/${service}`, scalableDimension: 'ecs:service:DesiredCount' },
    before: { min: before, max: 100 },
    after: { min: after, max: 100 },
    capped: false,
  };
}

export function progress(region: string, service: string, targetMin: number, current: number | null, overrides: Partial<TargetProgress> = {}): TargetProgress {
  return {
    region,
    service,
    label: `${region} service/prod/${service} (ecs:service:DesiredCount)`,
    targetMin,
    live: { min: targetMin, max: 100 },
    current,
    reached: current !== null && current >= targetMin,
    notApplied: false,
    ...overrides,
  };
}

export function statusOf(targets: readonly TargetProgress[]): StatusResult {
  return {
    snapshotId: 'snap-1',
    failedRegion: 'us-west-2',
    at: '2026-11-23T12:00:05.000Z',
    targets,
    reached: targets.filter((t) => t.reached).length,
    total: targets.length,
    fraction: 0.5,
    unreachable: [],
  };
}

/** Actions whose apply and status are driven by the test: pure UI logic, no AWS. */
export function fakeActions(
  options: { refusal?: string | null; changes?: readonly PlannedChange[]; statuses?: StatusResult[]; applyResult?: Partial<ApplyResult> } = {},
): CockpitActions & { applied: Plan[] } {
  const applied: Plan[] = [];
  const statuses = [...(options.statuses ?? [])];
  return {
    applied,
    refusal: options.refusal ?? null,
    reviewApply: async () => options.changes ?? [],
    apply: async (p, onResult) => {
      applied.push(p);
      const r: ApplyResult = {
        failedRegion: p.failedRegion,
        dryRun: false,
        snapshotFile: 'snap.json',
        changes: options.changes ?? [],
        targets: [],
        summary: { raised: options.changes?.length ?? 0, 'would-raise': 0, unchanged: 0, failed: 0, skipped: 0, capped: 0 },
        ...options.applyResult,
      };
      for (const t of r.targets) onResult(t);
      return r;
    },
    status: async () => (statuses.length > 1 ? (statuses.shift() ?? null) : (statuses[0] ?? null)),
    reviewRestore: async () => ({ failedRegion: 'us-west-2', changes: [] }),
    restore: async () => ({
      snapshotFile: 'snap.json',
      failedRegion: 'us-west-2',
      dryRun: false,
      complete: true,
      targets: [],
      summary: { restored: 0, 'would-restore': 0, unchanged: 0, failed: 0, skipped: 0 },
    }),
  };
}

/** A frame without colour, trailing spaces trimmed. */
export const frame = (f: string | undefined): string =>
  stripVTControlCharacters(f ?? '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');

/** Renders into ink-testing-library's fake terminal, made `columns` wide. */
export function renderAt(tree: ReactElement, columns: number) {
  const app = render(tree);
  Object.defineProperty(app.stdout, 'columns', { value: columns });
  app.rerender(tree);
  return app;
}

/** Waits for a frame that contains `text` (async work settles within a few ticks). */
export async function until(get: () => string | undefined, text: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const f = frame(get());
    if (f.includes(text)) return f;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`frame never showed "${text}":\n${frame(get())}`);
}
