import type { InputIssue, Result } from '../errors.ts';
import { numberBoundProblem } from './number-bounds.ts';

/**
 * How a CSV column is read: free text, a non-negative number, or a timestamp. `optional-time`
 * may be left empty or left out of the header altogether (null either way).
 */
export type ColumnKind = 'text' | 'number' | 'optional-number' | 'time' | 'optional-time';

type Cell<K extends ColumnKind> = K extends 'text' ? string : K extends 'optional-number' | 'optional-time' ? number | null : number;
export type CsvRow<C extends Record<string, ColumnKind>> = { -readonly [K in keyof C]: Cell<C[K]> } & { readonly line: number };

const MAX_ISSUES = 20;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;
const EPOCH_SECONDS = /^\d{1,11}(\.\d+)?$/;
/** Plain decimal notation: digits, an optional fraction and exponent. No hex, binary, octal, "Infinity". */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a timestamp: ISO 8601 with an explicit zone (`Z` or `±hh:mm`) or Unix epoch seconds.
 * Returns epoch seconds, or undefined when the text is neither, or names a time that does not
 * exist (2026-02-30, 24:00, second 60, zone +25:00): `Date.parse` would roll those over.
 */
export function parseTime(text: string): number | undefined {
  if (isDigits(text) && text.length <= 11) return Number(text);
  if (EPOCH_SECONDS.test(text)) return Number(text);
  const m = ISO_TIME.exec(text);
  if (!m || !isCalendarTime(m)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** The fields of an ISO_TIME match name a real date and time of day. */
function isCalendarTime(m: RegExpExecArray): boolean {
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  const month = n(2);
  const day = n(3);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(n(1), month)) return false;
  return n(4) <= 23 && n(5) <= 59 && n(6) <= 59 && n(7) <= 23 && n(8) <= 59;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses a number written in plain decimal notation (`12`, `0.5`, `1e3`). Returns undefined for
 * anything else, including what `Number()` would also accept: `0x1A`, `0b11`, `0o17`, `Infinity`,
 * or blank text. Range checks are the caller's.
 */
export function parseNumber(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/**
 * Reads CSV text with a header row, one typed row at a time. Columns are found by header name
 * (order free, extra columns ignored); CRLF line endings and blank lines are accepted;
 * double-quoted fields and a leading byte-order mark are understood. Every malformed row is reported as file:line with
 * what was expected, never skipped.
 *
 * `build` turns each good row into the caller's object. The row it is given is reused for the
 * next line (one object for the whole file keeps half a million rows cheap): copy what you keep.
 * Only the named columns are sliced out of a line; O(size of the text).
 */
export function parseCsv<C extends Record<string, ColumnKind>, T>(raw: string, file: string, columns: C, build: (row: CsvRow<C>) => T): Result<T[]> {
  // Spreadsheet exports often start with a byte-order mark, which would hide the first column's name.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const firstEnd = lineEnd(text, 0);
  const headerFields = splitLine(stripCr(text.slice(0, firstEnd)));
  if (typeof headerFields === 'string') return { ok: false, issues: [{ file, line: 1, message: headerFields }] };
  const header = headerFields.map((h) => h.trim());
  const names = Object.keys(columns);
  const missing = names.filter((n) => !header.includes(n) && columns[n] !== 'optional-time');
  if (missing.length > 0) {
    return {
      ok: false,
      issues: [
        {
          file,
          line: 1,
          message: `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}: expected a header with ${names.join(',')}`,
        },
      ],
    };
  }
  const index = names.map((n) => header.indexOf(n));
  const kinds = names.map((n) => columns[n] as ColumnKind);
  const out: T[] = [];
  const texts = new Map<string, string>();
  const issues: InputIssue[] = [];
  let more = 0;
  const fail = (line: number, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ file, line, message });
    else more += 1;
  };
  // One row object, its keys set once so that every row has the same shape.
  const row: Record<string, string | number | null> = { line: 0 };
  for (const name of names) row[name] = null;
  const starts = new Int32Array(header.length + 1);
  const ends = new Int32Array(header.length + 1);

  const anyQuote = text.indexOf('"', firstEnd) !== -1;
  let pos = firstEnd + 1;
  for (let lineNo = 2; pos <= text.length; lineNo++) {
    const endOfLine = lineEnd(text, pos);
    let stop = endOfLine;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop -= 1; // CRLF
    const from = pos;
    pos = endOfLine + 1;
    if (isBlank(text, from, stop)) continue;

    // Quoted lines (rare) are split properly; plain ones by comma positions, slicing only the cells read.
    const split = anyQuote && hasQuote(text, from, stop) ? splitQuoted(text.slice(from, stop)) : undefined;
    if (typeof split === 'string') {
      fail(lineNo, split);
      continue;
    }
    const fields = split;
    let count = fields?.length ?? 0;
    if (!fields) {
      let at = from;
      for (;;) {
        const comma = text.indexOf(',', at);
        const fieldEnd = comma === -1 || comma > stop ? stop : comma;
        if (count < starts.length) {
          starts[count] = at;
          ends[count] = fieldEnd;
        }
        count += 1;
        if (fieldEnd === stop) break;
        at = fieldEnd + 1;
      }
    }
    if (count !== header.length) {
      fail(lineNo, `expected ${header.length} fields (${header.join(',')}), found ${count}`);
      continue;
    }
    row.line = lineNo;
    let bad = false;
    for (let c = 0; c < names.length && !bad; c++) {
      const name = names[c] as string;
      const f = index[c] as number;
      if (f === -1) {
        row[name] = null;
        continue;
      }
      const cell = trimCell(fields ? (fields[f] as string) : text.slice(starts[f] as number, ends[f] as number));
      switch (kinds[c]) {
        case 'text':
          if (cell === '') {
            fail(lineNo, `column "${name}" is empty: expected a value`);
            bad = true;
          } else {
            // Intern repeated names (regions, devices, services): fewer strings, faster map keys later.
            const interned = texts.get(cell);
            if (interned === undefined) texts.set(cell, cell);
            row[name] = interned ?? cell;
          }
          break;
        case 'optional-time':
        case 'time': {
          if (cell === '' && kinds[c] === 'optional-time') {
            row[name] = null;
            break;
          }
          const t = parseTime(cell);
          if (t === undefined) {
            fail(lineNo, `column "${name}": "${cell}" is not a timestamp: expected ISO 8601 with a zone (2026-11-23T10:05:00Z) or Unix epoch seconds`);
            bad = true;
          } else row[name] = t;
          break;
        }
        case 'optional-number':
        case 'number': {
          if (cell === '' && kinds[c] === 'optional-number') {
            row[name] = null;
            break;
          }
          const v = parseNumber(cell) ?? Number.NaN;
          const bound = Number.isFinite(v) ? numberBoundProblem(v) : undefined;
          if (!Number.isFinite(v) || v < 0) {
            fail(lineNo, `column "${name}": "${cell}" is not a number: expected a non-negative number`);
            bad = true;
          } else if (bound) {
            fail(lineNo, `column "${name}": "${cell}" ${bound}`);
            bad = true;
          } else row[name] = v;
          break;
        }
      }
    }
    if (!bad) out.push(build(row as CsvRow<C>));
  }
  if (more > 0) issues.push({ file, message: `and ${more} more malformed row${more > 1 ? 's' : ''}` });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data: out };
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

function hasQuote(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 34) return true;
  return false;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) > 32) return false;
  return true;
}

/** Plain digits: the common epoch-seconds case, checked without a regex. */
function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Trims only when needed: most cells have no surrounding space. */
function trimCell(cell: string): string {
  const n = cell.length;
  return n > 0 && (cell.charCodeAt(0) <= 32 || cell.charCodeAt(n - 1) <= 32) ? cell.trim() : cell;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function splitLine(line: string): string[] | string {
  return line.includes('"') ? splitQuoted(line) : line.split(',');
}

/**
 * RFC 4180 fields of one line (`""` escapes a quote inside a quoted field). A quote may open a
 * field (after spaces) and close it (before spaces and the comma); anywhere else, or left open
 * at the end of the line, it is an error: returned as the message, never guessed around.
 */
export function splitQuoted(line: string): string[] | string {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let closed = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
        closed = true;
      } else field += ch;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      closed = false;
    } else if (closed) {
      if (ch !== ' ' && ch !== '\t') return `field ${fields.length + 1}: text after a closing quote: expected a comma or the end of the line`;
    } else if (ch === '"') {
      if (field.trim() !== '') return `field ${fields.length + 1}: stray quote inside an unquoted value: expected quotes around the whole value ("a ""b"" c")`;
      field = '';
      quoted = true;
    } else field += ch;
  }
  if (quoted) return `field ${fields.length + 1}: unbalanced quote: expected a closing quote on the same line (quoted values cannot span lines)`;
  fields.push(field);
  return fields;
}
