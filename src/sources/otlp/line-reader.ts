import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** One line of a file: its bytes are `bytes[start, end)` (valid until the next line is asked for). */
export interface FileLine {
  readonly line: number;
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

/** A part of a plain file: the lines that start in bytes [start, end). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Bytes read at a time (the buffer grows for a longer line). */
const READ_BYTES = 4 << 20;

/** Fills `into[at, at + length)` with the next bytes of a file; 0 at its end. */
type ReadInto = (into: Buffer, at: number, length: number) => Promise<number>;

/** A file's bytes, read into the caller's buffer (see openFileBytes). */
export interface FileBytes {
  readonly read: ReadInto;
  readonly close: () => Promise<void>;
}

/**
 * A file's bytes from byte `from` on, gunzipped when the name ends in `.gz` (then from its
 * start): what the line reader and the protobuf frame reader (proto-frames.ts) read.
 */
export function openFileBytes(file: string, from = 0): Promise<FileBytes> {
  return file.endsWith('.gz') ? gunzipped(file) : plain(file, from);
}

/**
 * The lines of a text file as bytes, streamed through one reused buffer (never the whole file in
 * memory; a line is held whole, and one OTLP line is one export batch, typically under 1 MB),
 * gunzipped when the name ends in `.gz`. Splits on bytes, not with node:readline (its per-chunk
 * regex and string decoding were a fifth of the reading time), and decodes nothing: the OTLP
 * scanner reads bytes. The file is read into the buffer behind the unread part of a line (moved
 * to the front), so no line is joined from pieces and nothing is allocated per read. Empty lines
 * are skipped; `line` is 1-based (in the range, when one is given); a trailing `\r` is dropped.
 * `counted.lines` ends as the number of lines, empty ones too.
 *
 * With `range` (plain files only), only the lines that start in it: reading begins a byte before
 * it and drops everything up to the first newline (a line that starts before the range belongs to
 * the range before), and stops at the first line that starts at or after its end.
 */
export async function* fileLines(file: string, range?: ByteRange, counted: { lines: number } = { lines: 0 }): AsyncGenerator<FileLine> {
  const from = range === undefined || range.start === 0 ? 0 : range.start - 1;
  const until = range?.end ?? Number.POSITIVE_INFINITY;
  const source = await openFileBytes(file, from);
  /** Skipping the end of a line that belongs to the range before. */
  let skipping = range !== undefined && range.start > 0;
  let buf = Buffer.allocUnsafe(READ_BYTES);
  /** buf[0, filled) holds the file from offset `offset` on; buf[0, start) is read. */
  let filled = 0;
  let start = 0;
  let offset = from;
  let line = 0;
  const lineAt = (bytes: Buffer, from: number, end: number): FileLine => ({
    line,
    bytes,
    start: from,
    end: end > from && bytes[end - 1] === 0x0d ? end - 1 : end,
  });
  try {
    for (;;) {
      if (start > 0) {
        buf.copyWithin(0, start, filled);
        offset += start;
        filled -= start;
        start = 0;
      }
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = await source.read(buf, filled, buf.length - filled);
      // Newlines are searched in the bytes just read only: the unread part before them has none.
      const view = buf.subarray(0, filled + n);
      let nl = view.indexOf(0x0a, filled);
      filled += n;
      if (skipping) {
        if (nl < 0) {
          if (n === 0) return;
          start = filled;
          continue;
        }
        skipping = false;
        start = nl + 1;
        nl = view.indexOf(0x0a, start);
      }
      while (nl >= 0) {
        if (offset + start >= until) return;
        line += 1;
        if (nl > start) yield lineAt(buf, start, nl);
        start = nl + 1;
        nl = view.indexOf(0x0a, start);
      }
      if (n === 0) {
        if (start < filled && offset + start < until) {
          line += 1;
          yield lineAt(buf, start, filled);
        }
        return;
      }
    }
  } finally {
    counted.lines = line;
    await source.close();
  }
}

/** A plain file read from byte `from` on. */
async function plain(file: string, from: number): Promise<FileBytes> {
  const handle = await open(file, 'r');
  let position = from;
  return {
    read: async (into, at, length) => {
      const { bytesRead } = await handle.read(into, at, length, position);
      position += bytesRead;
      return bytesRead;
    },
    close: () => handle.close(),
  };
}

/** A gzipped file, gunzipped as it is read. */
async function gunzipped(file: string): Promise<FileBytes> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const input = raw.pipe(createGunzip({ chunkSize: 1 << 20 }));
  // A read error is emitted on the file stream only: forward it, so that reading throws it.
  raw.on('error', (error) => input.destroy(error));
  const chunks = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let chunk: Buffer | undefined;
  let used = 0;
  return {
    read: async (into, at, length) => {
      while (chunk === undefined || used === chunk.length) {
        const next = await chunks.next();
        if (next.done === true) return 0;
        chunk = next.value;
        used = 0;
      }
      const n = chunk.copy(into, at, used, Math.min(chunk.length, used + length));
      used += n;
      return n;
    },
    close: async () => {
      input.destroy();
    },
  };
}
