import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** File names read as OTLP/JSON: `.json` or `.jsonl`, optionally gzipped. */
export const OTLP_FILE = /\.jsonl?(\.gz)?$/;

/** The folder of a data directory that holds OTLP span files, beside or instead of trace-samples.csv. */
export const OTLP_DIR = 'traces';

/** Whether a `--traces PATH` names OTLP input (a directory, or a .json[l][.gz] file) rather than a CSV. */
export function isOtlpPath(p: string): boolean {
  return OTLP_FILE.test(p) || (existsSync(p) && statSync(p).isDirectory());
}

/** The OTLP files a path names: the file itself, or a directory's OTLP files (not recursive), sorted by name. */
export function otlpFiles(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p)
    .filter((f) => OTLP_FILE.test(f))
    .sort()
    .map((f) => path.join(p, f))
    .filter((f) => statSync(f).isFile());
}
