import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export type TableFormat = 'csv' | 'parquet';

/** Where one data table lives: a CSV file, a Parquet file, or a directory of Parquet files. */
export interface TableFile {
  readonly format: TableFormat;
  /** The path to name in messages. */
  readonly path: string;
  /** What the reader opens: the file, or a glob over the directory's Parquet files. */
  readonly glob: string;
}

export type TableLookup = { readonly found: TableFile } | { readonly found: null; readonly conflict?: string };

/**
 * Finds a table by its CSV file name (`device-traffic.csv`): that file, else
 * `device-traffic.parquet` (a file, or a directory of Parquet files as Spark and Athena write
 * them), else a directory `device-traffic/` of Parquet files (searched recursively, so
 * date-partitioned layouts work). Two of them at once is a conflict, never a silent choice.
 */
export function locateTable(dir: string, csvName: string): TableLookup {
  const stem = csvName.replace(/\.csv$/, '');
  const csv = path.join(dir, csvName);
  const parquet = path.join(dir, `${stem}.parquet`);
  const folder = path.join(dir, stem);
  const candidates: TableFile[] = [];
  if (existsSync(csv)) candidates.push({ format: 'csv', path: csv, glob: csv });
  if (existsSync(parquet)) candidates.push({ format: 'parquet', path: parquet, glob: isDir(parquet) ? path.join(parquet, '**', '*.parquet') : parquet });
  if (isDir(folder)) candidates.push({ format: 'parquet', path: folder, glob: path.join(folder, '**', '*.parquet') });
  if (candidates.length > 1) return { found: null, conflict: `${candidates.map((c) => c.path).join(' and ')} both hold this table: expected one of them` };
  return { found: candidates[0] ?? null };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
