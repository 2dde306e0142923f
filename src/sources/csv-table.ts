import type { InputIssue, Result } from '../errors.ts';

/** How a CSV column is read: free text, a non-negative number, or a timestamp. */
export type ColumnKind = 'text' | 'number' | 'optional-number' | 'time';

type Cell<K extends ColumnKind> = K extends 'text' ? string : K extends 'optional-number' ? number | null : number;
export type CsvRow<C extends Record<string, ColumnKind>> = { -readonly [K in keyof C]: Cell<C[K]> } & { readonly line: number };

const MAX_ISSUES = 20;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const EPOCH_SECONDS = /^\d{1,11}(\.\d+)?$/;

/**
 * Parses a timestamp: ISO 8601 with an explicit zone (`Z` or `±hh:mm`) or Unix epoch seconds.
 * Returns epoch seconds, or undefined when the text is neither.
 */
export function parseTime(text: string): number | undefined {
  if (isDigits(text) && text.length <= 11) return Number(text);
  if (EPOCH_SECONDS.test(text)) return Number(text);
  if (ISO_TIME.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms / 1000;
  }
  return undefined;
}

/**
 * Reads CSV text with a header row into typed rows. Columns are found by header name
 * (order free, extra columns ignored); CRLF line endings and blank lines are accepted;
 * double-quoted fields are understood. Every malformed row is reported as file:line with
 * what was expected, never skipped.
 */
export function parseCsv<C extends Record<string, ColumnKind>>(text: string, file: string, columns: C): Result<CsvRow<C>[]> {
  const lines = text.split('\n');
  const header = splitLine(stripCr(lines[0] ?? '')).map((h) => h.trim());
  const names = Object.keys(columns);
  const missing = names.filter((n) => !header.includes(n));
  if (missing.length > 0) {
    return {
      ok: false,
      issues: [{ file, line: 1, message: `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}: expected a header with ${names.join(',')}` }],
    };
  }
  const index = names.map((n) => header.indexOf(n));
  const kinds = names.map((n) => columns[n] as ColumnKind);
  const rows: CsvRow<C>[] = [];
  const texts = new Map<string, string>();
  const issues: InputIssue[] = [];
  let more = 0;
  const fail = (line: number, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ file, line, message });
    else more += 1;
  };

  for (let i = 1; i < lines.length; i++) {
    const raw = stripCr(lines[i] as string);
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fields = raw.includes('"') ? splitQuoted(raw) : raw.split(',');
    if (fields.length !== header.length) {
      fail(line, `expected ${header.length} fields (${header.join(',')}), found ${fields.length}`);
      continue;
    }
    const row: Record<string, string | number | null> = { line };
    let bad = false;
    for (let c = 0; c < names.length && !bad; c++) {
      const name = names[c] as string;
      const cell = trimCell(fields[index[c] as number] as string);
      switch (kinds[c]) {
        case 'text':
          if (cell === '') {
            fail(line, `column "${name}" is empty: expected a value`);
            bad = true;
          } else {
            // Intern repeated names (regions, devices, services): fewer strings, faster map keys later.
            const interned = texts.get(cell);
            if (interned === undefined) texts.set(cell, cell);
            row[name] = interned ?? cell;
          }
          break;
        case 'time': {
          const t = parseTime(cell);
          if (t === undefined) {
            fail(line, `column "${name}": "${cell}" is not a timestamp: expected ISO 8601 with a zone (2026-11-23T10:05:00Z) or Unix epoch seconds`);
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
          const v = cell === '' ? Number.NaN : Number(cell);
          if (!Number.isFinite(v) || v < 0) {
            fail(line, `column "${name}": "${cell}" is not a number: expected a non-negative number`);
            bad = true;
          } else row[name] = v;
          break;
        }
      }
    }
    if (!bad) rows.push(row as CsvRow<C>);
  }
  if (more > 0) issues.push({ file, message: `and ${more} more malformed row${more > 1 ? 's' : ''}` });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data: rows };
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

function splitLine(line: string): string[] {
  return line.includes('"') ? splitQuoted(line) : line.split(',');
}

/** RFC 4180 fields of one line ("" escapes a quote). */
function splitQuoted(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
