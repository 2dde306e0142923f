import type { InputIssue, Result } from '../errors.ts';
import { closeSync, openSync, readSync } from 'node:fs';
import { describeFsError, errorCode, inspectPath, MAX_TEXT_BYTES, readTextFile } from '../input-file.ts';
import type { PlanningData, TraceSample } from '../model/planning-data.ts';
import type { SeriesTable } from './aggregate-sql.ts';
import { MAX_ISSUES, mergeScanIssues } from './csv-scan.ts';
import { type ReadChecks, readCapacity, readEvacuations, readTraffic } from './data-files.ts';
import { parseCsv } from './csv-table.ts';
import { DATA_FILES, dataFile, futureSample } from './data-tables.ts';
import { readDataDir } from './files-source.ts';
import { scanTable } from './scan-task.ts';

/** What checking a series table keeps: how many rows, and each series' key names. */
export interface CheckedTable {
  readonly rows: number;
  readonly series: readonly (readonly string[])[];
}

/**
 * Checks a CSV series table as `evac validate` does, streaming (the byte scanner), so that a
 * file of any size can be checked: every row as the row-by-row reader checks it, and, with
 * `notAfter`, no sample dated after it. Only the row count and the series' names are kept.
 * Issues: the malformed rows (as one read of the file words them); else the rows of unknown
 * regions and those in the future, in line order, at most MAX_ISSUES. Null: the scanner does
 * not map the file (not a regular file, an odd header): the row-by-row reader must say why.
 */
export function checkTable(file: string, table: SeriesTable, regions: ReadonlySet<string>, notAfter?: number): Result<CheckedTable> | null {
  const future: InputIssue[] = [];
  const sink = {
    row: (_series: number, t: number, _value: number, line: number) => {
      if (notAfter !== undefined && t > notAfter && future.length < MAX_ISSUES) future.push(futureSample(file, line, 'timestamp', t, notAfter));
    },
  };
  const scan = scanTable(file, table, regions, sink);
  if (scan === null) return null;
  const malformed = mergeScanIssues(file, [{ ...scan, regionIssues: [] }]);
  if (malformed.length > 0) return { ok: false, issues: malformed };
  const others = [...scan.regionIssues, ...future].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)).slice(0, MAX_ISSUES);
  if (others.length > 0) return { ok: false, issues: others };
  return { ok: true, data: { rows: scan.rows, series: scan.series } };
}

/** What `evac validate` needs of a data directory: the small tables whole, the others counted. */
export interface CheckedData {
  readonly data: PlanningData;
  readonly rows: Readonly<Record<'traffic' | 'traces' | 'demand' | 'capacity' | 'evacuations', number>>;
  /** `region/service` of every trace series. */
  readonly traceNames: ReadonlySet<string>;
}

/**
 * Checks every data file of a directory (all problems of all files, in `readDataDir`'s order and
 * words). Trace and demand tables bigger than `streamFromBytes` (default: what one string holds)
 * are checked streaming and only counted (`data` then holds none of their rows); smaller ones,
 * and the other tables, are read row by row.
 */
export function checkDataDir(
  dir: string,
  regions: ReadonlySet<string>,
  checks: ReadChecks,
  otlpTraces: readonly TraceSample[] | undefined,
  streamFromBytes = MAX_TEXT_BYTES,
): Result<CheckedData> {
  const big = (key: 'traces' | 'demand') => {
    const state = inspectPath(dataFile(dir, key));
    return state.kind === 'file' && state.size > streamFromBytes;
  };
  if (!big('demand') && (otlpTraces !== undefined || !big('traces'))) {
    const all = readDataDir(dir, regions, checks, otlpTraces);
    if (!all.ok) return all;
    const d = all.data;
    const rows = {
      traffic: d.traffic.length,
      traces: d.traces.length,
      demand: d.demand.length,
      capacity: d.capacity.length,
      evacuations: d.evacuations.length,
    };
    return { ok: true, data: { data: d, rows, traceNames: new Set(Array.from(d.traces, (t) => `${t.region}/${t.service}`)) } };
  }
  const counted = (key: 'traces' | 'demand'): Result<CheckedTable> =>
    checkTable(dataFile(dir, key), key, regions, checks.notAfter) ?? { ok: false, issues: headerIssues(dataFile(dir, key), key) };
  const traffic = readTraffic(dataFile(dir, 'traffic'), regions, checks);
  const traces: Result<CheckedTable> =
    otlpTraces === undefined
      ? counted('traces')
      : {
          ok: true,
          data: { rows: otlpTraces.length, series: [...new Set(otlpTraces.map((t) => `${t.region}\u0000${t.service}`))].map((k) => k.split('\u0000')) },
        };
  const demand = counted('demand');
  const capacity = readCapacity(dataFile(dir, 'capacity'), regions);
  const evacuations = readEvacuations(dataFile(dir, 'evacuations'), regions, checks);
  if (!traffic.ok || !traces.ok || !demand.ok || !capacity.ok || !evacuations.ok) {
    return { ok: false, issues: [traffic, traces, demand, capacity, evacuations].flatMap((r) => (r.ok ? [] : r.issues)) };
  }
  if (traffic.data.length === 0)
    return { ok: false, issues: [{ file: dataFile(dir, 'traffic'), message: 'no rows: expected regional traffic by device type' }] };
  const data: PlanningData = { traffic: traffic.data, traces: [], demand: [], capacity: capacity.data, evacuations: evacuations.data };
  const rows = {
    traffic: traffic.data.length,
    traces: traces.data.rows,
    demand: demand.data.rows,
    capacity: capacity.data.length,
    evacuations: evacuations.data.length,
  };
  return { ok: true, data: { data, rows, traceNames: new Set(traces.data.series.map(([region, service]) => `${region}/${service}`)) } };
}

/**
 * Why the scanner could not map a table too big to read at once: not a regular file (the
 * reader's words), or its header (the checker's words on the first line; a header it accepts
 * but the scanner does not, with quoted names, is named as such).
 */
function headerIssues(file: string, table: 'traces' | 'demand'): readonly InputIssue[] {
  if (inspectPath(file).kind !== 'file') {
    const read = readTextFile(file);
    return read.ok ? [] : read.issues;
  }
  let first = '';
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      const n = readSync(fd, buf, 0, buf.length, 0);
      first = buf.toString('utf8', 0, n).split('\n')[0] ?? '';
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return [{ file, message: describeFsError(errorCode(error), error) }];
  }
  const header = parseCsv(`${first}\n`, file, DATA_FILES[table].columns, () => null);
  if (!header.ok) return header.issues;
  return [{ file, line: 1, message: 'a header with quoted names: expected plain names (a file this big is read streaming, which needs a plain header)' }];
}
