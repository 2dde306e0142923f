import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { validate } from '../../src/services/validate.ts';
import { ROOT } from '../support/run-cli.ts';

const FIXTURES = path.join(ROOT, 'fixtures');
const CONFIG = path.join(ROOT, 'metrics-config');
const NOW = Date.parse('2026-11-24T12:00:00Z') / 1000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'evac-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the fixtures with some lines of a table rewritten. */
function edited(name: string, file: string, edit: (line: string, i: number) => string): string {
  const dir = path.join(tmp, name);
  cpSync(FIXTURES, dir, { recursive: true });
  const lines = readFileSync(path.join(dir, file), 'utf8').trimEnd().split('\n');
  writeFileSync(path.join(dir, file), `${lines.map(edit).join('\n')}\n`);
  return dir;
}

/** `evac validate` as files too big to read at once are checked (streaming), and as small ones are. */
async function bothWays(dataDir: string) {
  const whole = await validate({ configDir: CONFIG, dataDir, now: NOW });
  const streamed = await validate({ configDir: CONFIG, dataDir, now: NOW, streamFromBytes: 0 });
  return { whole, streamed };
}

describe('evac validate on trace and demand files too big to read at once', () => {
  test('checks them streaming: the same rows counted and the same warnings as read whole', async () => {
    const { whole, streamed } = await bothWays(FIXTURES);
    expect(whole.errors).toEqual([]);
    expect(streamed).toStrictEqual(whole);
  });

  test('names malformed rows as read whole does', async () => {
    const dir = edited('malformed', 'service-demand.csv', (line, i) => (i === 40 || i === 4000 ? line.replace(/,[^,]+$/, ',lots') : line));
    const { whole, streamed } = await bothWays(dir);
    expect(whole.errors.map((e) => e.line)).toEqual([41, 4001]);
    expect(streamed.errors).toStrictEqual(whole.errors);
  });

  test('names samples dated after now + 1 day and rows of unknown regions, in line order', async () => {
    const dir = edited('future', 'trace-samples.csv', (line, i) => {
      if (i === 7) return line.replace(/^\d+/, String(NOW + 3 * 86_400));
      if (i === 9) return line.replace(/^(\d+),[^,]+/, '$1,mars-north-1');
      return line;
    });
    const { whole, streamed } = await bothWays(dir);
    expect(whole.errors.map((e) => e.line)).toEqual([8, 10]);
    expect(streamed.errors).toStrictEqual(whole.errors);
  });
});
