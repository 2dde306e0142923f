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

/** `HH:MM` or `HH:MM:SS`, optionally with a zone (`Z`, `+02:00`, `-0500`). */
const TIME_OF_DAY = /^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/i;

/**
 * A time of day on the UTC date of `now` (epoch seconds): `18:00` is 18:00 UTC today,
 * `18:00+02:00` is 16:00 UTC today. Undefined when the text is not a time of day.
 */
export function timeOfDayToday(text: string, now: number): number | undefined {
  const m = TIME_OF_DAY.exec(text);
  if (!m) return undefined;
  const [, h = '0', min = '0', sec = '00', zone = 'Z'] = m;
  const date = new Date(now * 1000).toISOString().slice(0, 10);
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return Date.parse(`${date}T${h.padStart(2, '0')}:${min}:${sec}${offset}`) / 1000;
}

/**
 * `--at`: ISO 8601 with a zone, Unix epoch seconds, or a time of day (`18:00`, UTC unless it
 * has a zone) on today's UTC date; now when absent.
 */
export function atFromArgs(args: ParsedArgs, io: CliIO): number {
  const text = stringOpt(args, 'at');
  if (text === undefined) return Math.floor(io.now());
  const t = parseTime(text) ?? timeOfDayToday(text, io.now());
  if (t === undefined) {
    throw new EvacError(
      `--at "${text}": expected a time of day (18:00, UTC unless it has a zone: 18:00+02:00), ISO 8601 with a zone (2026-11-23T18:00:00Z) or Unix epoch seconds`,
    );
  }
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

/** `--format text|json` of the commands that print a summary or a JSON document. */
export function textOrJson(args: ParsedArgs): 'text' | 'json' {
  const format = stringOpt(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new EvacError(`--format "${format}": expected text or json`);
  return format;
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

/** Colour for a terminal only: not with --out, not when piped, not under NO_COLOR (no-color.org). */
export function colorWanted(args: ParsedArgs, io: CliIO): boolean {
  return stringOpt(args, 'out') === undefined && io.stdout.isTTY === true && !io.env.NO_COLOR;
}

/** Width to fit a table to: the terminal's, when writing to one (not to --out or a pipe). */
export function terminalWidth(args: ParsedArgs, io: CliIO): number | undefined {
  if (stringOpt(args, 'out') !== undefined || !io.stdout.isTTY) return undefined;
  return io.stdout.columns;
}
