import path from 'node:path';
import type { Result } from '../../errors.ts';
import { inspectPath, listDirectory } from '../../input-file.ts';

/** File names read as OTLP: `.json` or `.jsonl` (OTLP/JSON), `.binpb` or `.pb` (protobuf), optionally gzipped. */
export const OTLP_FILE = /\.(jsonl?|binpb|pb)(\.gz)?$/;

/** File names read as OTLP protobuf (see proto-frames.ts). */
export const OTLP_PROTO_FILE = /\.(binpb|pb)(\.gz)?$/;

/** The folder of a data directory that holds OTLP span files, beside or instead of trace-samples.csv. */
export const OTLP_DIR = 'traces';

/** Whether a `--traces PATH` names OTLP input (a directory, or a .json[l], .binpb or .pb file, optionally .gz) rather than a CSV. */
export function isOtlpPath(p: string): boolean {
  return OTLP_FILE.test(p) || inspectPath(p).kind === 'directory';
}

/**
 * The OTLP files a path names: the file itself, or a directory's OTLP files (not recursive),
 * sorted by name. `optional`: an absent directory gives none. A broken link or an unreadable
 * directory (or file in it) is an issue.
 */
export function otlpFiles(p: string, options: { readonly optional?: boolean } = {}): Result<string[]> {
  const state = inspectPath(p);
  if (state.kind === 'file') return { ok: true, data: [p] };
  if (state.kind === 'absent' && !options.optional)
    return { ok: false, issues: [{ file: p, message: 'not found: expected OTLP span files (see docs/traces.md)' }] };
  const names = listDirectory(p, { optional: true });
  if (!names.ok) return names;
  const files: string[] = [];
  for (const name of names.data.filter((f) => OTLP_FILE.test(f)).sort()) {
    const file = path.join(p, name);
    const s = inspectPath(file);
    if (s.kind === 'broken') return { ok: false, issues: [{ file, message: s.message }] };
    if (s.kind === 'file') files.push(file);
  }
  return { ok: true, data: files };
}
