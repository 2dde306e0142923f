import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { InputIssue, Result } from '../errors.ts';

/** The issues of a failed zod parse, naming the file and each field at fault (the first `max`). */
export function schemaIssues(file: string, error: z.ZodError, max = 20): InputIssue[] {
  return error.issues.slice(0, max).map((i) => ({ file, path: i.path.join('.') || '(top level)', message: i.message }));
}

/** Reads a JSON file: its value, or one issue naming the file (`file not found`, `not JSON: ...`). */
export function readJson(file: string): Result<unknown> {
  if (!existsSync(file)) return { ok: false, issues: [{ file, message: 'file not found' }] };
  try {
    return { ok: true, data: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (error) {
    return { ok: false, issues: [{ file, message: `not JSON: ${(error as Error).message.split('\n')[0]}` }] };
  }
}

/**
 * Reads a JSON file and checks it against a zod schema: the parsed data, or issues that name
 * the file and every field at fault. The one loader of evac's JSON files (plans, reports,
 * snapshots, precompute manifests).
 */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S): Result<z.output<S>> {
  const json = readJson(file);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.data);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, issues: schemaIssues(file, parsed.error) };
}
