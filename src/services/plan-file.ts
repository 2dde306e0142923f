import { EvacError, formatIssue, type InputIssue } from '../errors.ts';
import { MAX_JSON_BYTES, readRequiredText } from '../input-file.ts';
import { type Plan, PlanSchema } from '../report/plan-schema.ts';

/**
 * Reads a plan saved by `evac plan --out FILE --format json`.
 * @throws EvacError (exit 2) naming the file and fields at fault.
 */
export function readPlanFile(file: string): Plan {
  const text = readRequiredText(file, { notFound: 'plan file not found', maxBytes: MAX_JSON_BYTES });
  if (!text.ok) throw new EvacError(formatIssue(text.issues[0] as InputIssue), { hint: 'save one with evac plan --failed REGION --out plan.json' });
  let json: unknown;
  try {
    json = JSON.parse(text.data);
  } catch (error) {
    throw new EvacError(`${file}: not JSON (${(error as Error).message.split('\n')[0]})`, {
      hint: 'save the plan with --format json (or an --out name ending in .json)',
    });
  }
  const parsed = PlanSchema.safeParse(json);
  if (!parsed.success) {
    const issues: InputIssue[] = parsed.error.issues.slice(0, 10).map((i) => ({ file, path: i.path.join('.') || '(top level)', message: i.message }));
    throw new EvacError(`${file} is not an evac plan:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, {
      issues,
      hint: 'save one with evac plan --failed REGION --out plan.json',
    });
  }
  return parsed.data;
}
