import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BugError, EvacError } from '../src/errors.ts';
import type { Command, OptionSpec, ParsedArgs } from './command.ts';

/** The short forms of the common flags, for every command that has the long one. */
export const SHORT_FLAGS: Readonly<Record<string, string>> = { failed: 'f', out: 'o' };

/** The parseArgs options of a command: its specs, with the short flags added. */
function parseArgsOptions(command: Command): Record<string, Omit<OptionSpec, 'description' | 'valueName'>> {
  return Object.fromEntries(
    Object.entries(command.options).map(([name, { description: _d, valueName: _v, ...o }]) => {
      const short = SHORT_FLAGS[name];
      return [name, short === undefined ? o : { ...o, short }];
    }),
  );
}

/** The zod schema of what parseArgs yields for these options: strings, string lists and booleans. */
export function flagValuesSchema(options: Command['options']) {
  const shape: Record<string, z.ZodOptional<z.ZodString | z.ZodBoolean | z.ZodArray<z.ZodString>>> = {};
  for (const [name, o] of Object.entries(options))
    shape[name] = (o.type === 'boolean' ? z.boolean() : o.multiple ? z.array(z.string()) : z.string()).optional();
  return z.strictObject(shape);
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The flag of `known` closest to `name` (a typo of at most a third of its letters, or a prefix), if any. */
export function closestFlag(name: string, known: readonly string[]): string | undefined {
  const prefixed = known.filter((k) => k.startsWith(name));
  if (prefixed.length === 1) return prefixed[0];
  let best: { flag: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(name, k);
    if (d <= Math.max(1, Math.floor(k.length / 3)) && (best === undefined || d < best.d)) best = { flag: k, d };
  }
  return best?.flag;
}

/** parseArgs' error, said the evac way: `unknown flag --windw; did you mean --window?`. */
function flagError(command: Command, error: Error & { code?: string }): EvacError {
  const hint = `evac ${command.name} --help lists the options`;
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const [, dashes, name = ''] = unknown;
    const guess = dashes === '--' ? closestFlag(name, Object.keys(command.options)) : undefined;
    return new EvacError(`${command.name}: unknown flag ${dashes}${name}${guess ? `; did you mean --${guess}?` : ''}`, { hint });
  }
  const missing = /Option '(?:-\w, )?--([^ ']+) <value>' argument missing/.exec(error.message);
  if (missing?.[1]) {
    const spec = command.options[missing[1]];
    return new EvacError(`${command.name}: --${missing[1]} needs a value${spec?.valueName ? ` (${spec.valueName})` : ''}`, { hint });
  }
  const ambiguous = /Option '(?:-\w, )?--([^ ']+)' does not take an argument/.exec(error.message);
  if (ambiguous?.[1]) return new EvacError(`${command.name}: --${ambiguous[1]} takes no value`, { hint });
  return new EvacError(`${command.name}: ${error.message}`, { hint });
}

/**
 * Parses a command's arguments: long flags, the short ones of SHORT_FLAGS, positionals within
 * the command's bounds. The values are checked against the flags' zod schema, so what a command
 * reads is what its options declare.
 * @throws EvacError (exit 2) for an unknown flag (with the closest known one), a missing value, or extra arguments.
 */
export function parseFlags(command: Command, argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: parseArgsOptions(command), allowPositionals: true, strict: true });
  } catch (error) {
    throw flagError(command, error as Error);
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new EvacError(`${command.name}: unexpected arguments ${parsed.positionals.join(' ') || '(none)'}`, { hint: `usage: ${command.usage}` });
  }
  const values = flagValuesSchema(command.options).safeParse(parsed.values);
  if (!values.success) throw new BugError(`${command.name}: parseArgs returned values its options do not declare: ${values.error.message}`);
  return { values: values.data, positionals: parsed.positionals };
}
