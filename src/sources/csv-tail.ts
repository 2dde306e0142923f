import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseTime } from './csv-table.ts';

/** How much of a file's end `latestInTail` reads. */
const TAIL_BYTES = 64 * 1024;

/**
 * The latest timestamp among the last lines of a CSV file (its last 64 KiB), in the column
 * named `column` of its header; null when none can be read there. A guess, never a fact: data
 * exports are mostly in time order (per series or overall), so the table's latest timestamp is
 * usually among its last rows, but a caller must check the guess against the whole table.
 */
export function latestInTail(file: string, column: string): number | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const head = readText(fd, 0, Math.min(size, 4096));
    const headerEnd = head.indexOf('\n');
    if (headerEnd < 0) return null;
    const at = head
      .slice(0, headerEnd)
      .split(',')
      .map((name) => name.trim().replace(/^"(.*)"$/, '$1'))
      .indexOf(column);
    if (at < 0) return null;
    const start = Math.max(headerEnd + 1, size - TAIL_BYTES);
    const lines = readText(fd, start, size - start).split('\n');
    // The first line is cut unless the tail starts right after the header.
    if (start > headerEnd + 1) lines.shift();
    let latest: number | null = null;
    for (const line of lines) {
      const t = parseTime((line.split(',')[at] ?? '').trim());
      if (t !== undefined && (latest === null || t > latest)) latest = t;
    }
    return latest;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function readText(fd: number, position: number, length: number): string {
  const buf = Buffer.allocUnsafe(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.toString('utf8', 0, n);
}
