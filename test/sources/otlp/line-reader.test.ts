import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { type ByteRange, fileLines } from '../../../src/sources/otlp/line-reader.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'evac-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lines(file: string, range?: ByteRange) {
  const counted = { lines: 0 };
  const out: string[] = [];
  for await (const l of fileLines(file, range, counted)) out.push(`${l.line}:${l.bytes.toString('utf8', l.start, l.end)}`);
  return { out, lines: counted.lines };
}

describe('fileLines', () => {
  // Empty lines, a CRLF line, a multi-byte character, no newline at the end.
  const text = 'first line\n\nsecond ✓ line\r\n{"a":1}\n\n\nlast without newline';
  const file = path.join(dir, 'lines.jsonl');
  writeFileSync(file, text);

  test('gives the lines with their numbers, skipping empty ones and dropping a trailing \\r', async () => {
    expect(await lines(file)).toEqual({ out: ['1:first line', '3:second ✓ line', '4:{"a":1}', '7:last without newline'], lines: 7 });
  });

  test('cut in two byte ranges anywhere, gives every line once: each in the range it starts in', async () => {
    const whole = await lines(file);
    const size = Buffer.byteLength(text);
    for (let cut = 0; cut <= size; cut++) {
      const a = await lines(file, { start: 0, end: cut });
      const b = await lines(file, { start: cut, end: Number.POSITIVE_INFINITY });
      const renumbered = b.out.map((l) => {
        const [n, ...rest] = l.split(':');
        return `${Number(n) + a.lines}:${rest.join(':')}`;
      });
      expect([...a.out, ...renumbered], `cut at ${cut}`).toEqual(whole.out);
      expect(a.lines + b.lines, `cut at ${cut}`).toBe(whole.lines);
    }
  });

  // Lines of 150 KB to 1 MB, then one of 5 MB: longer than the 4 MiB read buffer, which grows for it.
  const big = path.join(dir, 'big.jsonl');
  const long = [...Array.from({ length: 7 }, (_, i) => `${i}:${String.fromCharCode(97 + i).repeat(150_000 * (i + 1))}`), `7:${'h'.repeat(5_000_000)}`, '8:end'];
  writeFileSync(big, `${long.join('\n')}\n`);

  test('gives lines longer than the read buffer whole, plain or gzipped', async () => {
    const expected = long.map((l, i) => `${i + 1}:${l}`);
    expect(await lines(big)).toEqual({ out: expected, lines: long.length });
    const gz = path.join(dir, 'big.jsonl.gz');
    writeFileSync(gz, gzipSync(`${long.join('\n')}\n`));
    expect(await lines(gz)).toEqual({ out: expected, lines: long.length });
  });

  test('cut in three ranges around the 4 MiB read edges, with lines longer than a read', async () => {
    const whole = await lines(big);
    const edge = 4 << 20;
    for (const [c1, c2] of [
      [edge - 1, 2 * edge],
      [edge, 2 * edge + 1],
      [edge + 1, 3 * edge - 1],
      [150_000, 150_003],
      [1_000, 2 * edge],
      [edge - 5, edge + 5_000_010],
    ] as const) {
      const parts = [
        await lines(big, { start: 0, end: c1 }),
        await lines(big, { start: c1, end: c2 }),
        await lines(big, { start: c2, end: Number.POSITIVE_INFINITY }),
      ];
      let before = 0;
      const all: string[] = [];
      for (const p of parts) {
        all.push(...p.out.map((l) => `${Number(l.slice(0, l.indexOf(':'))) + before}${l.slice(l.indexOf(':'))}`));
        before += p.lines;
      }
      expect(all, `cuts at ${c1}, ${c2}`).toEqual(whole.out);
      expect(before).toBe(whole.lines);
    }
  });
});
