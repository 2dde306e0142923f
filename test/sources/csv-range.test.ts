import fs, { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { type ScanResult, scanCsv } from '../../src/sources/csv-scan.ts';
import { DATA_FILES } from '../../src/sources/data-tables.ts';

// Counts the bytes the scanner reads (the real reads, passed through).
let bytesRead = 0;
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const readSync = (...args: Parameters<typeof real.readSync>) => {
    const n = real.readSync(...args);
    bytesRead += n;
    return n;
  };
  return { ...real, default: { ...real, readSync }, readSync };
});

const tmp = mkdtempSync(path.join(os.tmpdir(), 'evac-range-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a byte range of a CSV file', () => {
  test('inside one long line holds no line and reads no further than its end: the range the line starts in reads it', () => {
    const file = path.join(tmp, 'device-traffic.csv');
    fs.writeFileSync(file, `timestamp,region,device_type,value\n1763892000,us-east-1,tv,1\n${'x'.repeat(8 * 2 ** 20)}\n1763892300,us-east-1,tv,2\n`);
    const spec = { columns: DATA_FILES.traffic.columns, time: 'timestamp', keys: ['region', 'device_type'], value: 'value' };
    bytesRead = 0;
    const scan = scanCsv(file, spec, new Set(['us-east-1']), { row: () => undefined }, undefined, { start: 2 ** 20, end: 2 ** 20 + 1000 }) as ScanResult;
    expect(scan.rows).toBe(0);
    expect(scan.issues).toEqual([]);
    // The header (64 KiB at most) and the range with a little past its end; not the 7 MiB to the line's end.
    expect(bytesRead).toBeGreaterThan(0);
    expect(bytesRead).toBeLessThan(128 * 1024);
  });
});
