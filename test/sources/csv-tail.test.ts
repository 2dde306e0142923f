import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { latestInTail } from '../../src/sources/csv-tail.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'evac-tail-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

describe('the latest timestamp among the last lines of a CSV file', () => {
  test('is the latest of every line of a small file, in the named column, epoch seconds or ISO', () => {
    const file = csv('small.csv', 'region,"timestamp",value\nus-east-1,1794268800,3\nus-east-1,2026-11-23T20:00:00Z,4\nus-east-1,1794269100,5\n');
    expect(latestInTail(file, 'timestamp')).toBe(Date.parse('2026-11-23T20:00:00Z') / 1000);
  });

  test('reads only the end of a big file, skipping the line the cut falls in', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${1794268800 + i * 60},us-east-1,web,${i}`);
    const file = csv('big.csv', `timestamp,region,device_type,value\n${rows.join('\n')}\n`);
    expect(latestInTail(file, 'timestamp')).toBe(1794268800 + 19_999 * 60);
    // The earliest 5,000 rows (more than 64 KiB) moved to the end: what is read there is all it knows.
    const moved = csv('moved.csv', `timestamp,region,device_type,value\n${[...rows.slice(5000), ...rows.slice(0, 5000)].join('\n')}\n`);
    expect(latestInTail(moved, 'timestamp')).toBeLessThan(1794268800 + 19_999 * 60);
  });

  test('is null for a header alone, a file without the column, no readable time, or no file', () => {
    expect(latestInTail(csv('header.csv', 'timestamp,region,device_type,value\n'), 'timestamp')).toBeNull();
    expect(latestInTail(csv('other.csv', 'time,region\n1794268800,us-east-1\n'), 'timestamp')).toBeNull();
    expect(latestInTail(csv('bad.csv', 'timestamp,region\nyesterday,us-east-1\n'), 'timestamp')).toBeNull();
    expect(latestInTail(csv('empty.csv', ''), 'timestamp')).toBeNull();
    expect(latestInTail(path.join(tmp, 'missing.csv'), 'timestamp')).toBeNull();
  });
});
