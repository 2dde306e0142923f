import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PlanSchema } from '../../src/report/plan-schema.ts';
import { ReportSchema } from '../../src/report/report-schema.ts';
import { runCli } from '../support/run-cli.ts';
import { SMALL_WORLD, writeWorld } from '../support/small-world.ts';

/**
 * A seeded fuzz of validate and plan over the small world (test/support/small-world.ts): each
 * case mutates a few numbers, timestamps, steering weights or config values, then runs the
 * CLI in-process. It holds evac to "no silent wrong answers": every outcome is a clean plan or
 * a clear refusal, never a crash, never a plan that breaks its schema.
 */

const DATA_FILES = ['data/device-traffic.csv', 'data/trace-samples.csv', 'data/service-demand.csv', 'data/capacity.csv'] as const;
const NUMBER_COLUMNS: Record<(typeof DATA_FILES)[number], readonly string[]> = {
  'data/device-traffic.csv': ['value'],
  'data/trace-samples.csv': ['count'],
  'data/service-demand.csv': ['value'],
  'data/capacity.csv': ['current_capacity', 'min_capacity', 'max_capacity'],
};
const TIME_FILES = ['data/device-traffic.csv', 'data/trace-samples.csv', 'data/service-demand.csv'] as const;

const EXTREME_NUMBERS = [
  '0',
  '1',
  '0.5',
  '0.03',
  '1e308',
  '1.7976931348623157e308',
  '5e-324',
  '1e-300',
  '1e-9',
  '1e-10',
  '1e15',
  '1e16',
  '1e21',
  '-1',
  '-0',
  'NaN',
  'Infinity',
  '',
  '1e',
  '00012',
  '123456789.123456789',
];
const TIMES = [
  '2031-01-01T00:00:00Z',
  '2020-01-01T00:00:00Z',
  '0',
  '99999999999',
  '1795000000000',
  '2026-11-24T10:00:00Z',
  '2026-11-23T10:59:59.999Z',
  '2026-11-23T10:30:00+14:00',
  '2026-11-22T10:00:00-12:00',
  '1700000000.5',
];
const WEIGHTS = ['0', '1', '0.5', '1e-12', '0.9999999999', '1.5', '-0.1', '5e-324', '0.2'];
const CONFIG_VALUES: readonly { key: string; values: readonly string[] }[] = [
  { key: 'headroom', values: ['0', '10', '11', '1e-9', '-1', '0.1'] },
  { key: 'minTraceSamples', values: ['0', '1', '1000000000', '1.5', '1e308', '10'] },
  { key: 'bucketMinutes', values: ['1', '60', '1440', '7', '0', '30'] },
  { key: 'lookbackDays', values: ['1', '2', '1000', '0', '3'] },
];
const ATS = ['2026-11-23T10:30:00Z', '2026-11-23T00:00:00Z', '2020-01-01T00:00:00Z', '2031-01-01T00:00:00Z', '2026-11-27T10:30:00Z', '1795000000'];

type Mutation =
  | { readonly kind: 'number'; readonly file: number; readonly row: number; readonly column: number; readonly value: string }
  | { readonly kind: 'random-number'; readonly file: number; readonly row: number; readonly column: number; readonly value: number }
  | { readonly kind: 'time'; readonly file: number; readonly row: number; readonly value: string }
  | { readonly kind: 'weight'; readonly healthy: 0 | 1; readonly value: string }
  | { readonly kind: 'config'; readonly key: number; readonly value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('number' as const), file: fc.nat(), row: fc.nat(), column: fc.nat(), value: fc.constantFrom(...EXTREME_NUMBERS) }),
  fc.record({ kind: fc.constant('random-number' as const), file: fc.nat(), row: fc.nat(), column: fc.nat(), value: fc.double({ noNaN: true }) }),
  fc.record({ kind: fc.constant('time' as const), file: fc.nat(), row: fc.nat(), value: fc.constantFrom(...TIMES) }),
  fc.record({ kind: fc.constant('weight' as const), healthy: fc.constantFrom(0 as const, 1 as const), value: fc.constantFrom(...WEIGHTS) }),
  fc.record({ kind: fc.constant('config' as const), key: fc.nat({ max: CONFIG_VALUES.length - 1 }), value: fc.nat() }),
);

/** Replaces one cell of a CSV text (row >= 1: header kept). */
function setCell(text: string, row: number, column: string, value: string): string {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').split(',');
  const rows = lines.length - 2; // trailing newline
  if (rows < 1) return text;
  const r = 1 + (row % rows);
  const cells = (lines[r] ?? '').split(',');
  cells[header.indexOf(column)] = value;
  lines[r] = cells.join(',');
  return lines.join('\n');
}

function mutate(mutations: readonly Mutation[]): Record<string, string> {
  const files: Record<string, string> = { ...SMALL_WORLD };
  let weights = ['0.8', '0.2'];
  for (const m of mutations) {
    switch (m.kind) {
      case 'number':
      case 'random-number': {
        const file = DATA_FILES[m.file % DATA_FILES.length] as (typeof DATA_FILES)[number];
        const columns = NUMBER_COLUMNS[file];
        const value = m.kind === 'number' ? m.value : String(m.value);
        files[file] = setCell(files[file] as string, m.row, columns[m.column % columns.length] as string, value);
        break;
      }
      case 'time': {
        const file = TIME_FILES[m.file % TIME_FILES.length] as string;
        files[file] = setCell(files[file] as string, m.row, 'timestamp', m.value);
        break;
      }
      case 'weight':
        weights = m.healthy === 0 ? [m.value, weights[1] as string] : [weights[0] as string, m.value];
        break;
      case 'config': {
        const { key, values } = CONFIG_VALUES[m.key] as (typeof CONFIG_VALUES)[number];
        files['config/evacuation.yaml'] = (files['config/evacuation.yaml'] as string).replace(
          new RegExp(`${key}: [^\\n]+`),
          `${key}: ${values[m.value % values.length]}`,
        );
        break;
      }
    }
  }
  files['config/evacuation.yaml'] = (files['config/evacuation.yaml'] as string).replace(
    '{us-east-1: 0.8, eu-west-1: 0.2}',
    `{us-east-1: ${weights[0]}, eu-west-1: ${weights[1]}}`,
  );
  return files;
}

/** An error names a file and a line (`file.csv:12:`) or a field (`file.yaml: steering.x:`); a refusal names regions and the window. */
const NAMES_FILE_AND_PLACE = /\.(csv|ya?ml|json)(:\d+:|: [\w.-]+:| \(top level\)|: no rows|: file not found)/;
const REFUSAL = /refusing to plan: no traffic history: .* in the lookback window \(/;

describe('fuzz: validate and plan over a mutated small world', () => {
  test('every outcome is a clean plan or a clear exit 2; validate accepts nothing that plan rejects', { timeout: 120_000 }, async () => {
    const outcomes = { validateOk: 0, validateBad: 0, planOk: 0, planRefused: 0, planBad: 0, reports: 0 };
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...ATS),
        fc.constantFrom('0', '90'),
        async (mutations, at, window) => {
          const w = writeWorld(mutate(mutations));
          try {
            const dirs = ['--config', w.configDir, '--data', w.dataDir];
            const validate = await runCli(['validate', ...dirs]);
            expect([0, 2], validate.stderr).toContain(validate.code);
            if (validate.code === 2) {
              outcomes.validateBad += 1;
              for (const line of validate.stderr.split('\n').filter((l) => l.startsWith('error: ') && !l.includes('more malformed row'))) {
                expect(line, 'a validate error names a file and a line or field').toMatch(NAMES_FILE_AND_PLACE);
              }
            } else outcomes.validateOk += 1;

            // Every 5th case also runs the readiness report (slower): ready, not ready or bad input, never a broken report.
            if (cases++ % 5 === 0) {
              const report = await runCli(['report', ...dirs, '--format', 'json']);
              expect([0, 2, 3], report.stderr).toContain(report.code);
              if (report.code !== 2) {
                outcomes.reports += 1;
                const parsed = ReportSchema.safeParse(JSON.parse(report.stdout));
                expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
              } else expect(report.stderr, 'a report error names a file and a line or field').toMatch(NAMES_FILE_AND_PLACE);
            }

            for (const partial of [false, true]) {
              const plan = await runCli([
                'plan',
                '--failed',
                'us-west-2',
                ...dirs,
                '--at',
                at,
                '--window',
                window,
                '--format',
                'json',
                ...(partial ? ['--allow-partial-history'] : []),
              ]);
              expect([0, 2], plan.stderr).toContain(plan.code);
              if (plan.code === 0) {
                outcomes.planOk += 1;
                const parsed = PlanSchema.safeParse(JSON.parse(plan.stdout));
                expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
                for (const e of parsed.data?.services ?? []) {
                  expect(e.ci95[0]).toBeGreaterThanOrEqual(0);
                  expect(e.ci95[0]).toBeLessThanOrEqual(e.weightedRatio + 1e-9);
                  expect(e.ci95[1]).toBeGreaterThanOrEqual(e.weightedRatio - 1e-9);
                  if (e.targetMinCapacity !== null) expect(e.targetMinCapacity).toBeGreaterThanOrEqual(e.minCapacity ?? 0);
                }
              } else if (REFUSAL.test(plan.stderr)) {
                expect(partial, 'only a plan without --allow-partial-history refuses for missing history').toBe(false);
                outcomes.planRefused += 1;
              } else {
                outcomes.planBad += 1;
                expect(plan.stderr, 'a plan error names a file and a line or field').toMatch(NAMES_FILE_AND_PLACE);
                // Input that validate accepted is input that plan accepts (plan may refuse missing history, above).
                expect(validate.code, `validate accepted what plan rejects:\n${plan.stderr}`).toBe(2);
              }
            }
          } finally {
            rmSync(w.root, { recursive: true, force: true });
          }
        },
      ),
      { seed: 20261125, numRuns: 700, endOnFailure: true },
    );
    // The fuzz reaches every kind of outcome (a mutator that only makes bad input proves little).
    expect(outcomes.validateOk).toBeGreaterThan(0);
    expect(outcomes.validateBad).toBeGreaterThan(0);
    expect(outcomes.planOk).toBeGreaterThan(0);
    expect(outcomes.planRefused).toBeGreaterThan(0);
    expect(outcomes.planBad).toBeGreaterThan(0);
    expect(outcomes.reports).toBeGreaterThan(0);
  });
});
