import { closeSync, openSync, readSync } from 'node:fs';
import type { InputIssue } from '../errors.ts';
import { type ColumnKind, parseCsv } from './csv-table.ts';
import { unknownRegion } from './data-tables.ts';
import { MAX_VALUE, MIN_POSITIVE } from './number-bounds.ts';

/** One series table's columns, as the row-by-row checker reads them (see DATA_FILES). */
export interface ScanColumns {
  /** Every column with its kind, for the checker. */
  readonly columns: Readonly<Record<string, ColumnKind>>;
  readonly time: string;
  /** The series' key columns (text), in the order the sink's names come in. */
  readonly keys: readonly string[];
  readonly value: string;
}

/** Receives the good rows of a scan, in file order. */
export interface ScanSink {
  /**
   * A row of series `series` (an index into `ScanResult.series`), on line `line` (of the file,
   * or of the range: see ScanResult.lastLine).
   */
  row(series: number, t: number, value: number, line: number): void;
}

export interface ScanResult {
  /** Each series' key names, in `keys` order, indexed by the series number given to the sink. */
  readonly series: readonly (readonly string[])[];
  /** Malformed rows, as the checker words them: the first MAX_ISSUES, and how many more. */
  readonly issues: readonly InputIssue[];
  readonly more: number;
  /** Rows of regions evacuation.yaml does not list (the first MAX_ISSUES). */
  readonly regionIssues: readonly InputIssue[];
  readonly rows: number;
  /**
   * The last line number counted: the file's, for a scan from its start; else relative to the
   * range's start (its first line is 1): add the lines before the range (see `mergeScanIssues`).
   */
  readonly lastLine: number;
}

/** Part of a file: the lines that start at a byte in [start, end). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export const MAX_ISSUES = 20;
const CHUNK = 1 << 22;
/** A line this long is not a row of a data table (the longest real ones are under 200 bytes). */
const MAX_LINE_BYTES = 1 << 24;
const COMMA = 44;
const QUOTE = 34;
const NEWLINE = 10;
const CR = 13;
/** 2^53: integers below it are exact doubles. */
const EXACT = 9_007_199_254_740_992;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads a CSV series table byte by byte, streaming, without building a string or an object per
 * row: each row's timestamp, key names and value are parsed from the bytes and handed to the
 * sink with the series' number (each key column's distinct names interned once, see SeriesNames).
 *
 * Only the plain forms are parsed here: epoch seconds, ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fff]`
 * with `Z` or `±hh:mm`, decimal numbers without sign or exponent, names without surrounding
 * space or quotes. Any other line (quoted fields, exponents, a blank or short line, an unknown
 * region, a bad cell) goes to the row-by-row checker (`parseCsv`, one line at a time), so the
 * rules and the messages are the checker's own: it accepts the row with the same values, or
 * names what is wrong with it. The header is the checker's too.
 *
 * @returns null when the header is not one this scanner maps (then the caller reads the file
 * with the checker, which names the problem).
 */
export function scanCsv(
  file: string,
  spec: ScanColumns,
  regions: ReadonlySet<string>,
  sink: ScanSink,
  progress?: (bytes: number, rows: number) => void,
  range?: ByteRange,
): ScanResult | null {
  warmScanner(spec);
  const fd = openSync(file, 'r');
  try {
    return new Scanner(fd, file, spec, regions, sink, progress).run(range);
  } finally {
    closeSync(fd);
  }
}

/**
 * A byte scan of one file read in several byte ranges (a precomputed table's buckets, see
 * precomputed-ranges.ts): the header is read once and series are numbered once across the
 * ranges, so a series has the same number in every range and its names are interned once.
 */
export interface RangeScan {
  /**
   * Reads the lines that start in `range`, the first of them line `firstLine` of the file;
   * false (nothing read) when `range` does not start a line.
   */
  read(range: ByteRange, firstLine: number): boolean;
  /** What the reads so far found: the series, the issues (their lines the file's), the rows. */
  result(): ScanResult;
  /**
   * Distinct names met so far in key field `field` (in `keys` order). Without issues in
   * `result()`, exactly the names of the rows read; else they may include those of rows refused.
   */
  names(field: number): readonly string[];
  /** Distinct series keys without their last field (traces: (region, service) pairs) among the series read. */
  groups(): number;
  close(): void;
}

/** Opens `file` for reads by range (see RangeScan); null when its header is not one the scanner maps. */
export function openRangeScan(file: string, spec: ScanColumns, regions: ReadonlySet<string>, sink: ScanSink): RangeScan | null {
  warmScanner(spec);
  const fd = openSync(file, 'r');
  try {
    const scanner = new Scanner(fd, file, spec, regions, sink);
    if (!scanner.mapHeader()) {
      closeSync(fd);
      return null;
    }
    return {
      read: (range, firstLine) => scanner.readRange(range, firstLine),
      result: () => scanner.result(),
      names: (field) => scanner.keyNames.names(field),
      groups: () => scanner.keyNames.groups,
      close: () => closeSync(fd),
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Whether this thread has run warmScanner. */
let warmed = false;

/**
 * Runs 40 made-up lines through the scanner's code once per thread, before its first file, each
 * line with names not seen before. V8 optimizes the scanner within a file's first lines, from
 * what ran so far; a path that had not run (a name met for the first time: an export sorted by
 * region meets its second region a quarter of the way in) then sends the file's loop back to the
 * interpreter until it is optimized again, about 10 ms each time. Run here first, every path is
 * known (measured: the 0.6M-row plan's traffic table 44 against 55 ms, no deoptimization left in
 * the three tables). Nothing of it is kept: its own scanner, names and sink.
 */
function warmScanner(spec: ScanColumns): void {
  if (warmed) return;
  warmed = true;
  const columns = Object.keys(spec.columns).filter((c) => spec.columns[c] !== 'optional-time');
  const names = Array.from({ length: 40 }, (_, i) => `w${i}`);
  const cell = (column: string, i: number) => (column === spec.time ? String(1_700_000_000 + i * 60) : spec.keys.includes(column) ? names[i] : `${i}.5`);
  const body = names.map((_, i) => columns.map((c) => cell(c, i)).join(',')).join('\n');
  new Scanner(-1, '', spec, new Set(names), { row: () => undefined }).warm(columns.join(','), Buffer.from(`${body}\n`));
}

class Scanner {
  /** The read buffer, made by the first read (a scanner that reads no file, warmScanner's, has none). */
  private buf = Buffer.alloc(0);
  /**
   * Per name number of the region field: 1 when evacuation.yaml lists it, 2 when not, 0 not yet
   * asked. A typed array read within its length: a region first met late in a file (exports
   * sorted by region) is no out-of-bounds read for V8 to leave its optimized code over.
   */
  private knownRegion = new Int8Array(8);
  /** The key fields' names and the series (read by a RangeScan). */
  keyNames = new SeriesNames(0);
  private readonly issues: InputIssue[] = [];
  private readonly regionIssues: InputIssue[] = [];
  private more = 0;
  private rows = 0;
  private header = '';
  private fieldCount = 0;
  private timeField = 0;
  private valueField = 0;
  private keyFields: number[] = [];
  private lineNo = 1;
  /** Where each field of the current line ends (a comma, or the line's end). */
  private ends = new Int32Array(0);
  /** Scratch: a line's key name numbers (see SeriesNames). */
  private ids = new Int32Array(0);

  constructor(
    private readonly fd: number,
    private readonly file: string,
    private readonly spec: ScanColumns,
    private readonly regions: ReadonlySet<string>,
    private readonly sink: ScanSink,
    private readonly progress?: (bytes: number, rows: number) => void,
  ) {}

  run(range?: ByteRange): ScanResult | null {
    const headerEnd = this.headerLine();
    if (headerEnd < 0) return null;
    if (range === undefined || range.start === 0) return this.body(headerEnd, range?.end ?? Number.POSITIVE_INFINITY);
    // Lines are counted from the range's start; the caller adds those before it.
    this.lineNo = 0;
    return this.body(range.start - 1, range.end, true);
  }

  /** Reads the lines of `body` under `header`, with no file (see warmScanner). */
  warm(header: string, body: Buffer): void {
    if (this.readHeader(header)) this.lines(body, 0, body.length, Number.POSITIVE_INFINITY);
  }

  /** Reads and maps the header (see readRange); false when the checker must read the file. */
  mapHeader(): boolean {
    return this.headerLine() >= 0;
  }

  /** Reads the lines that start in `range`, the first one line `firstLine`; false when `range` does not start a line. */
  readRange(range: ByteRange, firstLine: number): boolean {
    if (range.start <= 0) return false;
    const before = Buffer.allocUnsafe(1);
    if (readSync(this.fd, before, 0, 1, range.start - 1) !== 1 || before[0] !== NEWLINE) return false;
    this.lineNo = firstLine - 1;
    this.body(range.start, range.end);
    return true;
  }

  result(): ScanResult {
    return { series: this.keyNames.series, issues: this.issues, more: this.more, regionIssues: this.regionIssues, rows: this.rows, lastLine: this.lineNo };
  }

  /** Reads and maps the header line at the file's start; returns where the next line starts, or -1. */
  private headerLine(): number {
    let buf = Buffer.allocUnsafe(1 << 16);
    let filled = 0;
    for (;;) {
      const n = readSync(this.fd, buf, filled, buf.length - filled, filled);
      const nl = buf.indexOf(NEWLINE, filled);
      filled += n;
      if (nl !== -1 && nl < filled) return this.readHeader(buf.toString('utf8', 0, nl)) ? nl + 1 : -1;
      if (n === 0) return this.readHeader(buf.toString('utf8', 0, filled)) ? filled : -1;
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
    }
  }

  /**
   * Reads the lines from byte `from` on that start before byte `limit`. `skipFirst`: `from` may
   * be inside a line (the one before the range): skip through its newline.
   */
  private body(from: number, limit: number, skipFirst = false): ScanResult {
    if (this.buf.length === 0) this.buf = Buffer.allocUnsafe(CHUNK);
    let filled = 0;
    let position = from;
    let skip = skipFirst;
    for (;;) {
      if (filled === this.buf.length) {
        // One line fills the buffer: rows are short, so this is not the CSV it claims to be.
        if (filled >= MAX_LINE_BYTES) {
          this.fail({
            file: this.file,
            line: this.lineNo + 1,
            message: `longer than ${MAX_LINE_BYTES / 2 ** 20} MiB without a line break: expected CSV rows (is this the file it claims to be?)`,
          });
          break;
        }
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, filled);
        this.buf = bigger;
      }
      // Not far past a range's end: its last line ends there, or soon after.
      const room = this.buf.length - filled;
      const n = readSync(this.fd, this.buf, filled, limit === Number.POSITIVE_INFINITY ? room : Math.min(room, Math.max(0, limit - position) + 4096), position);
      position += n;
      const end = filled + n;
      const base = position - end;
      const buf = this.buf;
      let pos = 0;
      if (skip) {
        const nl = buf.indexOf(NEWLINE);
        if (nl === -1 || nl >= end) {
          // No newline before the range's end: no line starts in the range (the one before it
          // runs past it), so it holds nothing; the range that line starts in reads it.
          if (n === 0 || position >= limit) break;
          filled = 0;
          continue;
        }
        skip = false;
        pos = nl + 1;
      }
      pos = this.lines(buf, pos, end, limit - base);
      if (pos < 0) break; // reached the range's end
      if (n === 0) {
        // The last line has no newline: give it one (a read of 0 bytes left room for it).
        if (pos < end) {
          buf[end] = NEWLINE;
          this.lines(buf, pos, end + 1, limit - base);
        }
        break;
      }
      buf.copy(buf, 0, pos, end);
      filled = end - pos;
      this.progress?.(position - from, this.rows);
    }
    return this.result();
  }

  /** Maps the header (the checker's reading of it); false when the checker must read the file. */
  private readHeader(raw: string): boolean {
    const text = (raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw).replace(/\r$/, '');
    if (text.includes('"') || text === '') return false;
    const header = text.split(',').map((h) => h.trim());
    const field = (name: string) => header.indexOf(name);
    const { time, keys, value, columns } = this.spec;
    if ([time, value, ...keys].some((c) => field(c) === -1)) return false;
    // Columns the checker reads beyond these (capacity's optional ones) are not series tables' concern.
    if (Object.keys(columns).some((c) => columns[c] !== 'optional-time' && field(c) === -1)) return false;
    this.header = text;
    this.fieldCount = header.length;
    this.ends = new Int32Array(header.length);
    this.timeField = field(time);
    this.valueField = field(value);
    this.keyFields = keys.map(field);
    this.keyNames = new SeriesNames(keys.length);
    this.ids = new Int32Array(keys.length);
    return true;
  }

  /**
   * Reads the whole lines of buf[from, end) that start before `limit`; returns where the first
   * incomplete line starts, or -1 when a line starting at `limit` or later was met.
   */
  private lines(buf: Buffer, from: number, end: number, limit: number): number {
    const { ends, fieldCount } = this;
    let lineStart = from;
    let f = 0;
    // Lines holding a quote go to the checker: found with the native search, not byte by byte.
    let quote = nextQuote(buf, from, end);
    for (let i = from; i < end; i++) {
      const c = buf[i] as number;
      if (c === COMMA) {
        // Past the header's count: the checker reports it (f stays at the sentinel).
        if (f < fieldCount) ends[f] = i;
        f += 1;
      } else if (c === NEWLINE) {
        if (lineStart >= limit) return -1;
        if (f < fieldCount) ends[f] = i;
        if (quote < i) {
          this.lineNo += 1;
          this.slow(buf, lineStart, i, this.lineNo);
          quote = nextQuote(buf, i + 1, end);
        } else this.line(buf, lineStart, i, f + 1);
        lineStart = i + 1;
        f = 0;
      }
    }
    return lineStart;
  }

  /** One line without quotes, buf[from, nl), of `fields` fields whose ends are in `this.ends`. */
  private line(buf: Buffer, from: number, nl: number, fields: number): void {
    this.lineNo += 1;
    let stop = nl;
    if (stop > from && buf[stop - 1] === CR) {
      stop -= 1;
      if (fields <= this.fieldCount) this.ends[fields - 1] = stop;
    }
    if (stop === from) return; // an empty line: the checker skips it too
    if (fields !== this.fieldCount || !this.fast(buf, from)) this.slow(buf, from, stop, this.lineNo);
  }

  /** Reads a line of the header's field count in the plain forms; false when the checker must read it. */
  private fast(buf: Buffer, from: number): boolean {
    const { ends } = this;
    const tf = this.timeField;
    const vf = this.valueField;
    const t = parseTimeBytes(buf, tf === 0 ? from : (ends[tf - 1] as number) + 1, ends[tf] as number);
    const v = parseNumberBytes(buf, vf === 0 ? from : (ends[vf - 1] as number) + 1, ends[vf] as number);
    if (t < 0 || v < 0) return false;
    const series = this.seriesOfLine(buf, from);
    if (series < 0) return false;
    this.rows += 1;
    this.sink.row(series, t, v, this.lineNo);
    return true;
  }

  /**
   * The series the key fields of the line at `from` name (each field's bytes interned, see
   * SeriesNames), or -1 when a name needs the checker (empty, spaced, an unknown region).
   */
  private seriesOfLine(buf: Buffer, from: number): number {
    const { ends, keyNames, keyFields } = this;
    const ids = this.ids;
    for (let j = 0; j < keyFields.length; j++) {
      const f = keyFields[j] as number;
      const id = keyNames.idOfBytes(j, buf, f === 0 ? from : (ends[f - 1] as number) + 1, ends[f] as number);
      if (id < 0) return -1;
      ids[j] = id;
    }
    const region = ids[0] as number;
    const known = region < this.knownRegion.length ? (this.knownRegion[region] as number) : 0;
    if (known === 2 || (known === 0 && !this.learnRegion(region))) return -1;
    return keyNames.seriesOf(ids);
  }

  /** Whether evacuation.yaml lists region name `region`, remembered (see knownRegion). */
  private learnRegion(region: number): boolean {
    this.knownRegion = withRoom(this.knownRegion, region, 0);
    const known = this.regions.has(this.keyNames.name(0, region));
    this.knownRegion[region] = known ? 1 : 2;
    return known;
  }

  /** The number of the series these key names name (a new one the first time). */
  private seriesOf(names: readonly string[]): number {
    for (let j = 0; j < names.length; j++) this.ids[j] = this.keyNames.idOf(j, names[j] as string);
    return this.keyNames.seriesOf(this.ids);
  }

  /** A line the fast path does not take: the checker reads it (its rules, its words). */
  private slow(buf: Buffer, from: number, stop: number, lineNo: number): void {
    const text = `${this.header}\n${buf.toString('utf8', from, stop)}\n`;
    const { time, keys, value, columns } = this.spec;
    const parsed = parseCsv(text, this.file, columns, (r) => {
      const row = r as unknown as Record<string, string | number>;
      return { t: row[time] as number, names: keys.map((k) => row[k] as string), v: row[value] as number };
    });
    if (!parsed.ok) {
      for (const issue of parsed.issues) this.fail({ ...issue, line: lineNo });
      return;
    }
    const row = parsed.data[0];
    if (row === undefined) return; // blank
    const region = row.names[0] as string;
    if (!this.regions.has(region)) {
      if (this.regionIssues.length < MAX_ISSUES) this.regionIssues.push(unknownRegion(this.file, lineNo, region, keys[0] as string, this.regions));
      return;
    }
    this.rows += 1;
    this.sink.row(this.seriesOf(row.names), row.t, row.v, lineNo);
  }

  private fail(issue: InputIssue): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push(issue);
    else this.more += 1;
  }
}

/**
 * The issues of a file scanned in ranges (in file order), as one scan of it would give them:
 * line numbers made absolute, at most MAX_ISSUES malformed rows and a count of the rest, or,
 * when no row is malformed, the first MAX_ISSUES rows of unknown regions.
 */
export function mergeScanIssues(file: string, parts: readonly ScanResult[]): InputIssue[] {
  const issues: InputIssue[] = [];
  const regionIssues: InputIssue[] = [];
  let more = 0;
  let offset = 0;
  for (const part of parts) {
    const absolute = (i: InputIssue) => (i.line === undefined ? i : { ...i, line: i.line + offset });
    for (const issue of part.issues) {
      if (issues.length < MAX_ISSUES) issues.push(absolute(issue));
      else more += 1;
    }
    more += part.more;
    for (const issue of part.regionIssues) if (regionIssues.length < MAX_ISSUES) regionIssues.push(absolute(issue));
    offset += part.lastLine;
  }
  if (more > 0) issues.push({ file, message: `and ${more} more malformed row${more > 1 ? 's' : ''}` });
  return issues.length > 0 ? issues : regionIssues;
}

/**
 * `table`, or a copy long enough to hold entry `index` (twice as long at least, the new entries
 * `fill`): the scanner's tables grow on this path of their own and are read within their length.
 */
function withRoom<T extends Int8Array | Int32Array>(table: T, index: number, fill: number): T {
  if (index < table.length) return table;
  const bigger = (
    table instanceof Int8Array ? new Int8Array(Math.max(index + 1, table.length * 2)) : new Int32Array(Math.max(index + 1, table.length * 2))
  ) as T;
  bigger.fill(fill);
  bigger.set(table);
  return bigger;
}

function nextQuote(buf: Buffer, from: number, end: number): number {
  const at = buf.indexOf(QUOTE, from);
  return at === -1 || at >= end ? Number.POSITIVE_INFINITY : at;
}

/**
 * A non-negative decimal number without sign or exponent, within the bounds of
 * number-bounds.ts, exactly as `Number()` reads it; -1 for anything else. Exact: the digits
 * make an integer below 2^53 and the point divides it by a power of ten (both exact doubles, so
 * the one IEEE division rounds as reading the decimal does).
 */
export function parseNumberBytes(buf: Buffer, from: number, to: number): number {
  if (from >= to) return -1;
  let m = 0;
  let point = -1;
  for (let i = from; i < to; i++) {
    const c = buf[i] as number;
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
    } else if (c === 46 && point === -1 && i > from && i < to - 1) {
      point = i;
    } else return -1;
  }
  if (m >= EXACT) return -1;
  const v = point === -1 ? m : m / (POW10[to - point - 1] ?? Number.NaN);
  if (!(v === 0 || (v >= MIN_POSITIVE && v <= MAX_VALUE))) return -1;
  return v;
}

/**
 * A timestamp as epoch seconds: plain epoch seconds (at most 11 digits, an optional fraction)
 * or ISO 8601 `YYYY-MM-DDTHH:MM:SS[.f{1,3}]` with `Z` or `±hh:mm`, naming a real time; -1 for
 * anything else (the checker's parseTime reads those, or refuses them).
 */
export function parseTimeBytes(buf: Buffer, from: number, to: number): number {
  const len = to - from;
  if (len >= 20 && buf[from + 4] === 45) return parseIsoBytes(buf, from, to);
  let point = -1;
  for (let i = from; i < to; i++) {
    const c = buf[i] as number;
    if (c === 46 && point === -1 && i > from && i < to - 1) point = i;
    else if (c < 48 || c > 57) return -1;
  }
  if ((point === -1 ? len : point - from) > 11 || len === 0) return -1;
  return parseNumberDigits(buf, from, to, point);
}

function parseNumberDigits(buf: Buffer, from: number, to: number, point: number): number {
  let m = 0;
  for (let i = from; i < to; i++) if (i !== point) m = m * 10 + ((buf[i] as number) - 48);
  if (m >= EXACT) return -1;
  return point === -1 ? m : m / (POW10[to - point - 1] ?? Number.NaN);
}

function digits(buf: Buffer, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = (buf[i] as number) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function parseIsoBytes(buf: Buffer, from: number, to: number): number {
  // YYYY-MM-DDTHH:MM:SS
  if (buf[from + 7] !== 45 || buf[from + 10] !== 84 || buf[from + 13] !== 58 || buf[from + 16] !== 58) return -1;
  const year = digits(buf, from, 4);
  const month = digits(buf, from + 5, 2);
  const day = digits(buf, from + 8, 2);
  const hour = digits(buf, from + 11, 2);
  const minute = digits(buf, from + 14, 2);
  const second = digits(buf, from + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return -1;
  if (second < 0 || second > 59) return -1;
  let at = from + 19;
  let ms = 0;
  if (buf[at] === 46) {
    let k = 0;
    at += 1;
    while (at < to && k < 4 && (buf[at] as number) >= 48 && (buf[at] as number) <= 57) {
      ms = ms * 10 + ((buf[at] as number) - 48);
      k += 1;
      at += 1;
    }
    if (k === 0 || k > 3) return -1;
    ms *= POW10[3 - k] as number;
  }
  let offset = 0;
  if (to - at === 1 && buf[at] === 90) offset = 0;
  else if (to - at === 6 && (buf[at] === 43 || buf[at] === 45) && buf[at + 3] === 58) {
    const oh = digits(buf, at + 1, 2);
    const om = digits(buf, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return -1;
    offset = (buf[at] === 43 ? 1 : -1) * (oh * 60 + om);
  } else return -1;
  const days = daysFromCivil(year, month, day);
  const totalMs = (((days * 24 + hour) * 60 + minute - offset) * 60 + second) * 1000 + ms;
  return totalMs / 1000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Numbers series by their key names without making a string per series: each key field's
 * distinct bytes are interned (SpanTable) and decoded once into a name, numbered per field; a
 * series is found by its fields' name numbers. Bytes that decode to the same name (invalid
 * UTF-8 becomes U+FFFD) get the same number, so a series is the same whatever bytes named it.
 */
class SeriesNames {
  /** Each series' key names, by series number. */
  readonly series: string[][] = [];
  /** Distinct keys without their last field among the series (the trie's nodes above its leaves). */
  groups = 0;
  /** Per key field: its byte spans, each span's name number (-2: not yet found; -1: the checker's), names by number and number by name. */
  private readonly fields: { readonly spans: SpanTable; idOfSpan: Int32Array; readonly ids: Map<string, number>; readonly names: string[] }[];
  /**
   * Series numbers by name numbers: a trie, one level per key field, of nodes indexed by the
   * next field's name number (-1: none), the last level's entries series numbers. A node is an
   * Int32Array read within its length, so that names met late in a file (exports sorted by
   * region, then service) cost V8 no out-of-bounds read or change of array kind; a node whose
   * entries lie far apart (at most 1 in 8 of its length filled, beyond 64) is a Map instead, so
   * that memory grows with the series, not with the names of a field (see setEntry).
   */
  private readonly nodes: (Int32Array | Map<number, number>)[] = [new Int32Array(8).fill(-1)];
  /** Per node, how many entries it holds. */
  private readonly filled: number[] = [0];

  constructor(fieldCount: number) {
    this.fields = Array.from({ length: fieldCount }, () => ({ spans: new SpanTable(), idOfSpan: new Int32Array(64).fill(-2), ids: new Map(), names: [] }));
  }

  /** The number of field `j`'s name in buf[from, to), or -1 when it needs the checker (empty, or spaced at either end). */
  idOfBytes(j: number, buf: Buffer, from: number, to: number): number {
    const field = this.fields[j] as SeriesNames['fields'][number];
    const span = field.spans.intern(buf, from, to);
    const id = span < field.idOfSpan.length ? (field.idOfSpan[span] as number) : -2;
    return id === -2 ? this.nameSpan(j, span, buf, from, to) : id;
  }

  /** The name number of a span met for the first time (see idOfBytes), remembered. */
  private nameSpan(j: number, span: number, buf: Buffer, from: number, to: number): number {
    const field = this.fields[j] as SeriesNames['fields'][number];
    const name = buf.toString('utf8', from, to);
    const id = name === '' || name.charCodeAt(0) <= 32 || name.charCodeAt(name.length - 1) <= 32 ? -1 : this.idOf(j, name);
    field.idOfSpan = withRoom(field.idOfSpan, span, -2);
    field.idOfSpan[span] = id;
    return id;
  }

  /** The number of field `j`'s name `name` (a new one the first time). */
  idOf(j: number, name: string): number {
    const field = this.fields[j] as SeriesNames['fields'][number];
    let id = field.ids.get(name);
    if (id === undefined) {
      id = field.names.push(name) - 1;
      field.ids.set(name, id);
    }
    return id;
  }

  name(j: number, id: number): string {
    return this.fields[j]?.names[id] as string;
  }

  /** Field `j`'s distinct names, numbered as met. */
  names(j: number): readonly string[] {
    return this.fields[j]?.names ?? [];
  }

  /** The series of these name numbers (one per field), a new one the first time. */
  seriesOf(ids: Int32Array): number {
    const n = this.fields.length;
    let at = 0;
    for (let j = 0; j < n - 1; j++) {
      const id = ids[j] as number;
      let next = this.entry(at, id);
      if (next < 0) {
        next = this.nodes.length;
        this.nodes.push(new Int32Array(8).fill(-1));
        this.filled.push(0);
        this.setEntry(at, id, next);
        if (j === n - 2) this.groups += 1;
      }
      at = next;
    }
    const last = ids[n - 1] as number;
    let series = this.entry(at, last);
    if (series < 0) {
      const names: string[] = [];
      for (let j = 0; j < n; j++) names.push(this.name(j, ids[j] as number));
      series = this.series.push(names) - 1;
      this.setEntry(at, last, series);
    }
    return series;
  }

  /** Node `at`'s entry for name number `id`, or -1. */
  private entry(at: number, id: number): number {
    const node = this.nodes[at] as Int32Array | Map<number, number>;
    if (node instanceof Int32Array) return id < node.length ? (node[id] as number) : -1;
    return node.get(id) ?? -1;
  }

  /**
   * Sets node `at`'s entry `id` (not there yet): in its Int32Array, grown to hold it while the
   * array stays at most 8 times its entries (or 64 long); else the node becomes a Map (a field of
   * millions of names, each met under few parents, would otherwise take an array of them all
   * for each parent).
   */
  private setEntry(at: number, id: number, value: number): void {
    const node = this.nodes[at] as Int32Array | Map<number, number>;
    const filled = (this.filled[at] as number) + 1;
    this.filled[at] = filled;
    if (node instanceof Map) {
      node.set(id, value);
      return;
    }
    if (id < node.length || Math.max(id + 1, node.length * 2) <= Math.max(64, 8 * filled)) {
      const dense = withRoom(node, id, -1);
      this.nodes[at] = dense;
      dense[id] = value;
      return;
    }
    const sparse = new Map<number, number>();
    for (let i = 0; i < node.length; i++) if ((node[i] as number) >= 0) sparse.set(i, node[i] as number);
    sparse.set(id, value);
    this.nodes[at] = sparse;
  }
}

/**
 * Interns byte spans: the same bytes always get the same id (FNV-1a hash, open addressing,
 * bytes kept in one arena and compared on a hit).
 */
class SpanTable {
  private slots = new Int32Array(1024).fill(-1);
  private hashes: number[] = [];
  private offsets: number[] = [];
  private lengths: number[] = [];
  private arena = Buffer.allocUnsafe(1 << 16);
  private used = 0;

  intern(buf: Buffer, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
    const mask = this.slots.length - 1;
    const len = to - from;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s] as number;
      if (id === -1) return this.insert(s, h, buf, from, to);
      if (this.hashes[id] === h && this.lengths[id] === len && this.same(id, buf, from, len)) return id;
    }
  }

  private same(id: number, buf: Buffer, from: number, len: number): boolean {
    const at = this.offsets[id] as number;
    const arena = this.arena;
    for (let i = 0; i < len; i++) if (arena[at + i] !== buf[from + i]) return false;
    return true;
  }

  private insert(slot: number, h: number, buf: Buffer, from: number, to: number): number {
    const id = this.hashes.length;
    const len = to - from;
    if (this.used + len > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + len));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    // Names are short: a loop copies them faster than Buffer#copy's call.
    const arena = this.arena;
    for (let i = 0; i < len; i++) arena[this.used + i] = buf[from + i] as number;
    this.hashes.push(h);
    this.offsets.push(this.used);
    this.lengths.push(len);
    this.used += len;
    this.slots[slot] = id;
    if (this.hashes.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.hashes.length; id++) {
      let s = (this.hashes[id] as number) & mask;
      while (slots[s] !== -1) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
  }
}
