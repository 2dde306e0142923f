import { type LoadedConfig, loadConfig } from '../src/config/load-config.ts';
import { EvacError, unwrap } from '../src/errors.ts';
import { parseNumber, parseTime } from '../src/sources/csv-table.ts';
import { writeFileAtomic } from '../src/state/atomic-write.ts';
import { type ParsedArgs, stringOpt } from './command.ts';
import type { CliIO } from './io.ts';

export function configFromArgs(args: ParsedArgs): LoadedConfig {
  const dir = stringOpt(args, 'config') ?? 'metrics-config';
  return unwrap(loadConfig(dir), `fix the config, then run "evac validate --config ${dir}"`);
}

/** `--at`: ISO 8601 with a zone or epoch seconds; now when absent. */
export function atFromArgs(args: ParsedArgs, io: CliIO): number {
  const text = stringOpt(args, 'at');
  if (text === undefined) return Math.floor(io.now());
  const t = parseTime(text);
  if (t === undefined) throw new EvacError(`--at "${text}": expected ISO 8601 with a zone (2026-11-23T18:00:00Z) or Unix epoch seconds`);
  return t;
}

/** `--NAME N`: a whole number of at least `min` (0 unless said), or `fallback` when absent. */
export function intOpt(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const text = stringOpt(args, name);
  if (text === undefined) return fallback;
  const n = parseNumber(text.trim()) ?? Number.NaN;
  if (!Number.isInteger(n) || n < min) throw new EvacError(`--${name} "${text}": expected a whole number >= ${min}`);
  return n;
}

export type Format = 'table' | 'markdown' | 'json';

/** `--format`, or from the `--out` extension (.json, .md), or a table. */
export function formatFromArgs(args: ParsedArgs, allowed: readonly string[] = ['table', 'markdown', 'json']): Format {
  const text = stringOpt(args, 'format');
  if (text !== undefined) {
    if (!allowed.includes(text)) throw new EvacError(`--format "${text}": expected one of ${allowed.join(', ')}`);
    return text as Format;
  }
  const out = stringOpt(args, 'out');
  if (out?.endsWith('.json')) return 'json';
  if (out?.endsWith('.md')) return 'markdown';
  return 'table';
}

/** Writes to `--out` atomically, or to stdout. */
export function emit(args: ParsedArgs, io: CliIO, text: string): void {
  const out = stringOpt(args, 'out');
  if (out === undefined) io.stdout.write(text);
  else {
    writeFileAtomic(out, text);
    io.stderr.write(`wrote ${out}\n`);
  }
}

/** Width to fit a table to: the terminal's, when writing to one (not to --out or a pipe). */
export function terminalWidth(args: ParsedArgs, io: CliIO): number | undefined {
  if (stringOpt(args, 'out') !== undefined || !io.stdout.isTTY) return undefined;
  return io.stdout.columns;
}
