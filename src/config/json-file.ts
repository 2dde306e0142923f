import type { z } from 'zod';
import type { InputIssue, Result } from '../errors.ts';
import { MAX_JSON_BYTES, readRequiredText } from '../input-file.ts';

/** The issues of a failed zod parse, naming the file and each field at fault (the first `max`). */
export function schemaIssues(file: string, error: z.ZodError, max = 20): InputIssue[] {
  return error.issues.slice(0, max).map((i) => ({ file, path: i.path.join('.') || '(top level)', message: i.message }));
}

/** JSON text checked against a zod schema: the data, or `not JSON: ...` or the fields at fault, naming the file. */
export function parseJsonText<S extends z.ZodType>(file: string, text: string, schema: S): Result<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ file, message: `not JSON: ${(error as Error).message.split('\n')[0]}` }] };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, issues: schemaIssues(file, parsed.error) };
}

/**
 * Reads a JSON file (a regular, readable file of at most MAX_JSON_BYTES) and checks it against a
 * zod schema: the parsed data, or issues that name the file and every field at fault. The one
 * loader of evac's JSON files (snapshots, precompute manifests, the state lock).
 */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, options: { readonly notFound?: string } = {}): Result<z.output<S>> {
  const text = readRequiredText(file, { maxBytes: MAX_JSON_BYTES, ...options });
  return text.ok ? parseJsonText(file, text.data, schema) : text;
}
