import { createReadStream } from 'node:fs';

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

/** Bytes read at a time. */
const READ_BYTES = 4 << 20;
/** Room in front of the bytes read for the unread end of the last line before them (grows for a longer line). */
const HEAD_ROOM = 1 << 20;

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
 * The lines of a text file as bytes, streamed (never the whole file in memory; a line is held
 * whole, and one OTLP line is one export batch, typically under 1 MB), gunzipped when the name
 * ends in `.gz`. Splits on bytes, not with node:readline (its per-chunk regex and string decoding
 * were a fifth of the reading time), and decodes nothing: the OTLP scanner reads bytes.
 *
 * Two buffers take turns: while the lines of one are read, the next bytes of the file are read
 * into the other (`ahead`, the default: the read ran on libuv's thread pool while this thread
 * waited, idle, for about a sixth of the time; when every core has a reading thread, the read
 * ahead only competes with them for a core, and `ahead: false` reads when the lines are read). The bytes are read behind a head room, into which the unread end of the
 * last line of the other buffer is copied when the turn passes: so no line is joined from pieces
 * and nothing is allocated per read (a line longer than the head room grows both buffers).
 * Empty lines are skipped; `line` is 1-based (in the range, when one is given); a trailing `\r`
 * is dropped. `counted.lines` ends as the number of lines, empty ones too.
 *
 * With `range` (plain files only), only the lines that start in it: reading begins a byte before
 * it and drops everything up to the first newline (a line that starts before the range belongs to
 * the range before), and stops at the first line that starts at or after its end.
 */
export async function* fileLines(
  file: string,
  range?: ByteRange,
  counted: { lines: number } = { lines: 0 },
  { ahead = true }: { ahead?: boolean } = {},
): AsyncGenerator<FileLine> {
  const from = range === undefined || range.start === 0 ? 0 : range.start - 1;
  const until = range?.end ?? Number.POSITIVE_INFINITY;
  const source = await openFileBytes(file, from);
  /** Skipping the end of a line that belongs to the range before. */
  let skipping = range !== undefined && range.start > 0;
  let room = HEAD_ROOM;
  let buf = Buffer.allocUnsafe(room + READ_BYTES);
  let other = Buffer.allocUnsafe(room + READ_BYTES);
  let pending: Promise<number> | undefined;
  /** buf[start, filled) is unread; the byte at buf[i] is the file's byte `base + i`. */
  let start = room;
  let filled = room;
  let base = from - room;
  let line = 0;
  const lineAt = (bytes: Buffer, from: number, end: number): FileLine => ({
    line,
    bytes,
    start: from,
    end: end > from && bytes[end - 1] === 0x0d ? end - 1 : end,
  });
  try {
    let n = await source.read(buf, room, READ_BYTES);
    for (;;) {
      // Newlines are searched in the bytes just read only: the unread part before them has none.
      const view = buf.subarray(0, filled + n);
      let nl = view.indexOf(0x0a, filled);
      filled += n;
      if (n > 0 && ahead) pending = source.read(other, room, READ_BYTES);
      if (skipping) {
        if (nl < 0) start = filled;
        else {
          skipping = false;
          start = nl + 1;
          nl = view.indexOf(0x0a, start);
        }
      }
      while (nl >= 0) {
        if (base + start >= until) return;
        line += 1;
        if (nl > start) yield lineAt(buf, start, nl);
        start = nl + 1;
        nl = view.indexOf(0x0a, start);
      }
      if (n === 0) {
        if (!skipping && start < filled && base + start < until) {
          line += 1;
          yield lineAt(buf, start, filled);
        }
        return;
      }
      n = await (pending ?? source.read(other, room, READ_BYTES));
      pending = undefined;
      // The unread end of this buffer's last line goes in front of the bytes just read into the other.
      const tail = filled - start;
      if (tail > room) {
        const bigger = Math.max(2 * room, tail);
        const next = Buffer.allocUnsafe(bigger + READ_BYTES);
        buf.copy(next, bigger - tail, start, filled);
        other.copy(next, bigger, room, room + n);
        other = Buffer.allocUnsafe(bigger + READ_BYTES);
        room = bigger;
        buf = next;
      } else {
        buf.copy(other, room - tail, start, filled);
        [buf, other] = [other, buf];
      }
      base += start - (room - tail);
      start = room - tail;
      filled = room;
    }
  } finally {
    counted.lines = line;
    // The read under way must end before the file is closed; its error, if any, is moot by now.
    if (pending !== undefined) await pending.catch(() => 0);
    await source.close();
  }
}

/** A plain file read from byte `from` on. */
async function plain(file: string, from: number): Promise<FileBytes> {
  // Loaded when a span file is read (as is zlib below): not in every command's start-up.
  const { open } = await import('node:fs/promises');
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
  const { createGunzip } = await import('node:zlib');
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
