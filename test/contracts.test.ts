import { describe, expect, expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { ApplyOutput, ApplyOutputSchema, ApplyResult, TargetStatus } from '../src/report/apply-schema.ts';
import { jsonSchema, SCHEMAS } from '../src/report/json-schema.ts';
import { SCHEMA_NAMES } from '../src/report/schema-names.ts';
import type { Plan, PlanEntry, PlanFlag, PlanSchema } from '../src/report/plan-schema.ts';
import type { Report, ReportSchema } from '../src/report/report-schema.ts';
import { type RestoreOutput, RestoreOutputSchema, type RestoreResult, type RestoreStatus } from '../src/report/restore-schema.ts';
import { type StatusOutput, StatusOutputSchema, type StatusResult } from '../src/report/status-schema.ts';
import type { MinMax, TargetRef } from '../src/scaling/scaler.ts';
import type { applyPlan } from '../src/services/apply.ts';
import type { planEvacuation } from '../src/services/plan.ts';
import type { buildReport } from '../src/services/report.ts';
import type { restoreSnapshot } from '../src/services/restore.ts';
import type { readStatus } from '../src/services/status.ts';

// The public JSON contracts, held at the type level: each type is its schema's (z.infer), and
// each service returns exactly the contract's type. A hand-written type that drifts fails tsc.
describe('public contracts', () => {
  test('plan and report types are their schemas', () => {
    expectTypeOf<Plan>().toEqualTypeOf<z.infer<typeof PlanSchema>>();
    expectTypeOf<Report>().toEqualTypeOf<z.infer<typeof ReportSchema>>();
    expectTypeOf<Awaited<ReturnType<typeof planEvacuation>>>().toEqualTypeOf<Plan>();
    expectTypeOf<Awaited<ReturnType<typeof buildReport>>>().toEqualTypeOf<Report>();
    expectTypeOf<PlanEntry['targetMinCapacity']>().toEqualTypeOf<number | null>();
    expectTypeOf<PlanFlag>().toExtend<string>();
    expectTypeOf<'exceeds-max'>().toExtend<PlanFlag>();
  });

  test('apply, restore and status results are what their services return', () => {
    expectTypeOf<Awaited<ReturnType<typeof applyPlan>>>().toEqualTypeOf<ApplyResult>();
    expectTypeOf<Awaited<ReturnType<typeof restoreSnapshot>>>().toEqualTypeOf<RestoreResult>();
    expectTypeOf<Awaited<ReturnType<typeof readStatus>>>().toEqualTypeOf<StatusResult>();
  });

  test('the JSON outputs are the results plus the API calls made', () => {
    expectTypeOf<ApplyOutput>().toEqualTypeOf<z.infer<typeof ApplyOutputSchema>>();
    expectTypeOf<ApplyOutput>().toExtend<ApplyResult & { meta: { apiCalls: Record<string, number> } }>();
    expectTypeOf<RestoreOutput>().toExtend<RestoreResult & { meta: { apiCalls: Record<string, number> } }>();
    expectTypeOf<StatusOutput>().toExtend<StatusResult & { meta: { apiCalls: Record<string, number> } }>();
    expectTypeOf<TargetStatus>().toEqualTypeOf<'raised' | 'would-raise' | 'unchanged' | 'failed' | 'skipped'>();
    expectTypeOf<RestoreStatus>().toEqualTypeOf<'restored' | 'would-restore' | 'unchanged' | 'failed' | 'skipped'>();
    expectTypeOf<ApplyResult['targets'][number]['before']>().toEqualTypeOf<{ min: number; max: number } | null>();
    expectTypeOf<MinMax>().toEqualTypeOf<{ readonly min: number; readonly max: number }>();
    expectTypeOf<TargetRef>().toEqualTypeOf<{ readonly serviceNamespace: string; readonly resourceId: string; readonly scalableDimension: string }>();
  });

  test('evac schema names every JSON output', () => {
    expect(Object.keys(SCHEMAS)).toEqual(expect.arrayContaining(['plan', 'report', 'apply', 'restore', 'status']));
    // The names the CLI's help lists without building the schemas: the same, in the same order.
    expect(Object.keys(SCHEMAS)).toEqual([...SCHEMA_NAMES]);
    expect(jsonSchema('apply')).toMatchObject({ title: 'evac apply --format json', required: expect.arrayContaining(['targets', 'summary', 'meta']) });
  });

  test('a Min/Max is a whole number of at least 0 everywhere', () => {
    const outcome = {
      region: 'r',
      service: 's',
      label: 'l',
      status: 'restored',
      before: { min: 1.5, max: 4 },
      after: { min: 1, max: 4 },
      changedByOthers: false,
    };
    const restore = {
      snapshotFile: 'f',
      failedRegion: 'x',
      dryRun: false,
      complete: true,
      targets: [outcome],
      summary: { restored: 1, 'would-restore': 0, unchanged: 0, failed: 0, skipped: 0 },
      meta: { apiCalls: {} },
    };
    expect(RestoreOutputSchema.safeParse(restore).success).toBe(false);
    expect(RestoreOutputSchema.safeParse({ ...restore, targets: [{ ...outcome, before: { min: 1, max: 4 } }] }).success).toBe(true);
    expect(
      StatusOutputSchema.safeParse({
        snapshotId: 'i',
        failedRegion: 'x',
        at: 't',
        targets: [],
        reached: 0,
        total: 0,
        fraction: 1,
        unreachable: [],
        meta: { apiCalls: {} },
        extra: 1,
      }).success,
    ).toBe(false);
  });
});
