import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/**
 * The lines of a text file, streamed (never the whole file in memory), gunzipped when the
 * name ends in `.gz`. Empty lines are skipped; `line` is 1-based.
 */
export async function* fileLines(file: string): AsyncGenerator<{ readonly line: number; readonly text: string }> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  // A gunzip error is emitted on the gunzip stream only: forward it, so the loop below throws it.
  if (input !== raw) raw.on('error', (error) => input.destroy(error));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.length > 0) yield { line, text };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
