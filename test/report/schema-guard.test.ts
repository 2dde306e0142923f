import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import { type Plan, PlanSchema } from '../../src/report/plan-schema.ts';
import { schemaGuard } from '../../src/report/schema-guard.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { ROOT } from '../support/run-cli.ts';

let plan: Plan;

beforeAll(async () => {
  const config = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));
  const full = await planEvacuation({
    config,
    source: new FilesSource(path.join(ROOT, 'fixtures')),
    failedRegion: 'us-west-2',
    at: Date.parse('2026-11-24T14:10:00Z') / 1000,
    windowMinutes: 240,
  });
  // Entries of every shape: with and without capacity rescaling, demand, a scalable target, a shard.
  const pick = (p: (e: Plan['services'][number]) => boolean) => full.services.find(p) ?? (full.services[0] as Plan['services'][number]);
  plan = {
    ...full,
    warnings: ['a warning'],
    unreachableRegions: [{ region: 'eu-west-1', reason: 'timed out' }],
    meta: { apiCalls: { GetMetricData: 2 }, totalApiCalls: 2 },
    services: [
      pick((e) => e.capacityRescale !== null && e.capacityRescale !== undefined),
      pick((e) => e.demand === null),
      pick((e) => e.scalableTarget !== null),
      pick((e) => e.shard !== null),
      pick((e) => e.deviceContributions.length === 0),
    ],
  };
});

/** Every path to a value in `value` (object keys and array indexes), parents before children. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [at];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [at, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...at, k]))];
}

/** A copy of `value` with `edit` applied to the object holding the last key of `at`. */
function edited(value: unknown, at: readonly (string | number)[], edit: (holder: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(value);
  let holder = copy as Record<string | number, unknown>;
  for (const k of at.slice(0, -1)) holder = holder[k] as Record<string | number, unknown>;
  edit(holder, at.at(-1) as string | number);
  return copy;
}

const WRONG = [Number.NaN, Number.POSITIVE_INFINITY, -1, -0, 0, 0.5, 1, 1.5, 2, 2 ** 60, null, undefined, '', 'x', 'pooled-buckets', true, [], {}, [0, 1]];

describe('schemaGuard', () => {
  test('passes a plan from the fixtures, as zod does: checkedPlan then skips the parse', () => {
    expect(PlanSchema.safeParse(plan).success).toBe(true);
    expect(schemaGuard(PlanSchema)(plan)).toBe(true);
  });

  test('answers as zod does for every field of a plan set to a wrong value, removed, or joined by an unknown key', () => {
    const guard = schemaGuard(PlanSchema);
    let cases = 0;
    for (const at of paths(plan)) {
      const variants: unknown[] = [];
      if (at.length > 0) {
        for (const v of WRONG)
          variants.push(
            edited(plan, at, (holder, key) => {
              holder[key] = v;
            }),
          );
        variants.push(
          edited(plan, at, (holder, key) => {
            if (Array.isArray(holder)) holder.splice(key as number, 1);
            else delete holder[key];
          }),
        );
      }
      variants.push(
        edited(plan, [...at, 'unknownKey'], (holder, key) => {
          if (typeof holder === 'object' && holder !== null && !Array.isArray(holder)) holder[key] = 1;
        }),
      );
      for (const v of variants) {
        expect({ at: at.join('.'), guard: guard(v) }).toEqual({ at: at.join('.'), guard: PlanSchema.safeParse(v).success });
        cases += 1;
      }
    }
    expect(cases).toBeGreaterThan(2000);
  });

  test('asks zod (answers false) for kinds and checks it does not know: refinements, unions, transforms, coercion', () => {
    for (const schema of [
      z.number().refine((n) => n > 0),
      z.union([z.string(), z.number()]),
      z.string().transform((s) => s.length),
      z.coerce.number(),
      z.number().multipleOf(2),
      z.string().min(1),
      z.strictObject({ a: z.string() }).refine(() => true),
      z.object({ a: z.string() }).catchall(z.number()),
    ] as z.ZodType[]) {
      const valid = [2, 'ab', { a: 'x' }].find((v) => schema.safeParse(v).success);
      expect(valid).toBeDefined();
      expect(schemaGuard(schema)(valid)).toBe(false);
    }
  });

  test('keeps the tightest bound of a number, the exclusive one of two equal bounds', () => {
    for (const schema of [z.number().min(0).gt(0), z.number().gt(0).min(0), z.number().max(1).lt(1), z.number().lt(1).max(1), z.number().min(-5).min(0)]) {
      for (const v of [-1, 0, 0.5, 1, 2]) expect(schemaGuard(schema)(v)).toBe(schema.safeParse(v).success);
    }
  });

  test('lets an object without strictness keep unknown keys, as zod strips them', () => {
    const schema = z.object({ a: z.number().int() });
    for (const v of [{ a: 1, b: 2 }, { a: 1.5 }, { b: 1 }, null, [1]]) expect(schemaGuard(schema)(v)).toBe(schema.safeParse(v).success);
  });

  test('knows a strict object by the keys for...in gives, as zod does, in whatever order they come', () => {
    const schema = z.strictObject({ a: z.number(), b: z.number().optional(), c: z.string() });
    const guard = schemaGuard(schema);
    const inherited = Object.assign(Object.create({ x: 1 }) as Record<string, unknown>, { a: 1, c: 'c' });
    for (const v of [
      { a: 1, b: 2, c: 'c' },
      { c: 'c', a: 1, b: 2 },
      { a: 1, c: 'c' },
      { a: 1, x: 2, c: 'c' },
      { a: 1, b: 2, c: 'c', x: 1 },
      { x: 1, a: 1, b: 2, c: 'c' },
      inherited,
    ])
      expect(guard(v)).toBe(schema.safeParse(v).success);
    expect(guard(inherited)).toBe(false);
  });
});
