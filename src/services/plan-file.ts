import { existsSync, readFileSync } from 'node:fs';
import { EvacError, type InputIssue } from '../errors.ts';
import { type Plan, PlanSchema } from '../report/plan-schema.ts';

/**
 * Reads a plan saved by `evac plan --out FILE --format json`.
 * @throws EvacError (exit 2) naming the file and fields at fault.
 */
export function readPlanFile(file: string): Plan {
  if (!existsSync(file)) throw new EvacError(`plan file not found: ${file}`, { hint: 'save one with evac plan --failed REGION --out plan.json' });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EvacError(`${file}: not JSON (${(error as Error).message.split('\n')[0]})`, { hint: 'save the plan with --format json (or an --out name ending in .json)' });
  }
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) {
    const issues: InputIssue[] = parsed.error.issues.slice(0, 10).map((i) => ({ file, path: i.path.join('.') || '(top level)', message: i.message }));
    throw new EvacError(`${file} is not an evac plan:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, { issues, hint: 'save one with evac plan --failed REGION --out plan.json' });
  }
  return parsed.data;
}
