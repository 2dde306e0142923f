import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { type ScanResult, mergeScanIssues, openRangeScan, parseNumberBytes, parseTimeBytes, scanCsv } from '../../src/sources/csv-scan.ts';
import { parseNumber, parseTime } from '../../src/sources/csv-table.ts';
import { unwrap } from '../../src/errors.ts';
import { readTraces, readTraffic } from '../../src/sources/data-files.ts';
import { DATA_FILES } from '../../src/sources/data-tables.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'evac-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const regions = new Set(['us-east-1', 'eu-west-1']);
const spec = { columns: DATA_FILES.traffic.columns, time: 'timestamp', keys: ['region', 'device_type'], value: 'value' };

/** What the scanner makes of a file: its rows (names, time, value) in order, or its issues. */
function scanned(file: string): { rows: string[] } | { issues: string[] } | null {
  const rows: [number, number, number][] = [];
  const scan: ScanResult | null = scanCsv(file, spec, regions, { row: (s, t, v) => rows.push([s, t, v]) });
  if (scan === null) return null;
  const issues = mergeScanIssues(file, [scan]);
  if (issues.length > 0) return { issues: issues.map((i) => `${i.line}: ${i.message}`) };
  return { rows: rows.map(([s, t, v]) => `${(scan.series[s] ?? []).join('/')} ${t} ${v}`) };
}

/** What the row-by-row checker makes of it. */
function checked(file: string): { rows: string[] } | { issues: string[] } {
  const r = readTraffic(file, regions);
  if (!r.ok) return { issues: r.issues.map((i) => `${i.line}: ${i.message}`) };
  return { rows: r.data.map((s) => `${s.region}/${s.device} ${s.t} ${s.value}`) };
}

// Cells in every form the checker knows, plain and not.
const time = fc.oneof(
  fc.integer({ min: 0, max: 99_999_999_999 }).map(String),
  fc.tuple(fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }), fc.integer({ min: 0, max: 999_999 })).map(([s, f]) => `${s}.${f}`),
  fc
    .tuple(
      fc.integer({ min: 1969, max: 2100 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.constantFrom('', ':00', ':59', ':60', ':07.5', ':07.25', ':07.125', ':07.1234'),
      fc.constantFrom('Z', '+00:00', '-05:00', '+05:30', '+0530', '+24:00', 'z', ''),
    )
    .map(
      ([y, mo, d, h, mi, sec, zone]) =>
        `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}${sec}${zone}`,
    ),
  fc.constantFrom('', ' 1763892000', '1763892000 ', 'yesterday', '-5', '1e9', '0x10', '123456789012'),
);
const value = fc.oneof(
  fc.integer({ min: 0, max: 10 ** 9 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99_999_999 })).map(([a, b]) => `${a}.${b}`),
  fc.double({ min: 0, max: 1e16, noNaN: true }).map(String),
  fc.constantFrom('', '0', '0.0', '+5', '-1', '1e3', '.5', '5.', '1e-10', '0.0000000001', '1000000000000001', '9007199254740993', 'NaN', ' 7', '"8"'),
);
const name = fc.constantFrom('us-east-1', 'eu-west-1', 'sa-east-1', 'tv', 'web', ' tv', 'tv ', '', '"tv"', '"a,b"', 'a"b', 'ünï', 'x y');
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(time, name, name, value).map((cells) => cells.join(',')) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '1763892000,us-east-1,tv', '1763892000,us-east-1,tv,1,extra', '"', '1763892000,"us-east-1",tv,3') },
);

describe('the byte scanner', () => {
  test('reads every file as the row-by-row checker does: the same rows and values, or the same issues at the same lines', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, finalEol) => {
        const file = path.join(tmp, `t${n++}.csv`);
        writeFileSync(file, `timestamp,region,device_type,value${eol}${lines.join(eol)}${finalEol ? eol : ''}`);
        expect(scanned(file)).toStrictEqual(checked(file));
      }),
      { seed: 20261125, numRuns: 400 },
    );
  });

  test('parses plain numbers and times to the very double the checker gives, and leaves the rest to it', () => {
    const bytes = (text: string) => Buffer.from(text);
    fc.assert(
      fc.property(value, (text) => {
        const fast = parseNumberBytes(bytes(text), 0, text.length);
        if (fast >= 0) expect(fast).toBe(parseNumber(text));
      }),
      { seed: 7, numRuns: 2000 },
    );
    fc.assert(
      fc.property(time, (text) => {
        const fast = parseTimeBytes(bytes(text), 0, text.length);
        if (fast >= 0) expect(fast).toBe(parseTime(text));
      }),
      { seed: 8, numRuns: 2000 },
    );
    // The common forms do take the fast path.
    expect(parseTimeBytes(bytes('2026-11-23T10:05:00Z'), 0, 20)).toBe(Date.parse('2026-11-23T10:05:00Z') / 1000);
    expect(parseTimeBytes(bytes('2026-11-23T10:05:00.125+05:30'), 0, 29)).toBe(Date.parse('2026-11-23T10:05:00.125+05:30') / 1000);
    expect(parseNumberBytes(bytes('0.1'), 0, 3)).toBe(0.1);
    expect(parseNumberBytes(bytes('1e3'), 0, 3)).toBe(-1);
  });

  test('reads a file by byte ranges, in any order, with one scan as one scan of it reads them: the same rows, issues at the lines of the file, a series numbered once', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 1000 }),
        (lines, cuts, shuffle) => {
          const file = path.join(tmp, `r${n++}.csv`);
          const text = `timestamp,region,device_type,value\n${lines.map((l) => `${l}\n`).join('')}`;
          writeFileSync(file, text);
          // Ranges of whole lines: [start, end) in bytes, and the line number of the first.
          const starts: number[] = [];
          let at = Buffer.byteLength('timestamp,region,device_type,value\n');
          for (const l of lines) {
            starts.push(at);
            at += Buffer.byteLength(`${l}\n`);
          }
          const ranges: { start: number; end: number; line: number }[] = [];
          for (const [i, start] of starts.entries()) {
            if (i === 0 || cuts[i]) ranges.push({ start, end: at, line: i + 2 });
            const last = ranges.at(-1);
            if (last) last.end = starts[i + 1] ?? at;
          }
          const order = ranges.map((_, i) => i).sort((a, b) => ((a * 7919 + shuffle) % 101) - ((b * 7919 + shuffle) % 101));
          const byRange = ranges.map(() => [] as [number, number, number][]);
          let current = 0;
          const scan = openRangeScan(file, spec, regions, { row: (series, t, v) => byRange[current]?.push([series, t, v]) });
          if (!scan) throw new Error('the header is mapped');
          try {
            for (const i of order) {
              current = i;
              const range = ranges[i] as { start: number; end: number; line: number };
              expect(scan.read(range, range.line)).toBe(true);
            }
            const result = scan.result();
            const issues = mergeScanIssues(file, [result]).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
            const whole = scanned(file);
            if (issues.length > 0) expect({ issues: issues.map((i) => `${i.line}: ${i.message}`) }).toStrictEqual(whole);
            else expect({ rows: byRange.flat().map(([s, t, v]) => `${(result.series[s] ?? []).join('/')} ${t} ${v}`) }).toStrictEqual(whole);
            const names = result.series.map((names) => names.join('/'));
            expect(new Set(names).size).toBe(names.length);
          } finally {
            scan.close();
          }
        },
      ),
      { seed: 20261126, numRuns: 300 },
    );
  });

  test('refuses a byte range that does not start a line (an index that no longer fits its file)', () => {
    const file = path.join(tmp, 'ranges.csv');
    const [header, first, second] = ['timestamp,region,device_type,value\n', '1763892000,us-east-1,tv,1\n', '1763892900,us-east-1,tv,2\n'];
    writeFileSync(file, `${header}${first}${second}`);
    const rows: number[] = [];
    const scan = openRangeScan(file, spec, regions, { row: (_s, _t, v) => rows.push(v) });
    const start = header.length + first.length;
    expect(scan?.read({ start: start - 5, end: start + second.length }, 3)).toBe(false);
    expect(scan?.read({ start, end: start + second.length }, 3)).toBe(true);
    scan?.close();
    expect(rows).toEqual([2]);
  });

  test('numbers a series by its names, whatever bytes named it (quoted, or invalid UTF-8 that reads as the same name)', () => {
    const file = path.join(tmp, 'names.csv');
    const bytes = Buffer.concat([
      Buffer.from('timestamp,region,device_type,value\n1763892000,us-east-1,tv,1\n1763892000,us-east-1,"tv",2\n1763892000,us-east-1,'),
      Buffer.from([0xff]),
      Buffer.from(',3\n1763892000,us-east-1,'),
      Buffer.from([0xfe]),
      Buffer.from(',4\n'),
    ]);
    writeFileSync(file, bytes);
    const rows: [number, number][] = [];
    const scan = scanCsv(file, spec, regions, { row: (series, _t, v) => rows.push([series, v]) });
    expect(scan?.series).toEqual([
      ['us-east-1', 'tv'],
      ['us-east-1', '\ufffd'],
    ]);
    expect(rows).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
      [1, 4],
    ]);
  });

  test('hands a file whose header it does not map to the checker (null)', () => {
    const file = path.join(tmp, 'quoted-header.csv');
    writeFileSync(file, '"timestamp",region,device_type,value\n1763892000,us-east-1,tv,1\n');
    expect(scanned(file)).toBeNull();
    const missing = path.join(tmp, 'missing-column.csv');
    writeFileSync(missing, 'timestamp,region,value\n1763892000,us-east-1,1\n');
    expect(scanned(missing)).toBeNull();
  });

  test('numbers series whose last name is new on almost every line (a field of 10,000 names under 200 parents, each series on 3 lines) as the checker reads them', () => {
    const file = path.join(tmp, 'many-devices.csv');
    const lines = [0, 1, 2].flatMap((day) =>
      Array.from(
        { length: 10_000 },
        (_, k) =>
          `${1763892000 + day * 86_400 + (k % 50) * 300},${k % 2 ? 'us-east-1' : 'eu-west-1'},svc-${k % 200},ua-${(k * 7919) % 10_000},${(k + day) % 13}`,
      ),
    );
    writeFileSync(file, `timestamp,region,service,device_type,count\n${lines.join('\n')}\n`);
    const traces = { columns: DATA_FILES.traces.columns, time: 'timestamp', keys: ['region', 'service', 'device_type'], value: 'count' };
    const rows: string[] = [];
    const scan = scanCsv(file, traces, regions, { row: (s, t, v) => rows.push(`${s} ${t} ${v}`) }) as ScanResult;
    expect(scan.issues).toEqual([]);
    expect(scan.series).toHaveLength(10_000);
    const checkedRows = unwrap(readTraces(file, regions)).map((r) => `${r.region}/${r.service}/${r.device} ${r.t} ${r.count}`);
    expect(rows.map((r) => r.replace(/^\d+/, (s) => (scan.series[Number(s)] ?? []).join('/')))).toEqual(checkedRows);
  });

  test('keeps nothing of the made-up lines it warms up on: a file sorted by region reads as the checker reads it, its own series only', () => {
    // Sorted by region, then device, as exports often are: names first met deep in the file.
    const file = path.join(tmp, 'sorted-by-region.csv');
    const lines = ['eu-west-1', 'us-east-1'].flatMap((region) =>
      ['console', 'tv', 'w0'].flatMap((device) => Array.from({ length: 3000 }, (_, i) => `${1763892000 + i * 300},${region},${device},${i % 97}`)),
    );
    writeFileSync(file, `timestamp,region,device_type,value\n${lines.join('\n')}\n`);
    const rows: number[] = [];
    const scan = scanCsv(file, spec, regions, { row: (s) => rows.push(s) }) as ScanResult;
    expect(scan.series).toEqual(['eu-west-1', 'us-east-1'].flatMap((region) => ['console', 'tv', 'w0'].map((device) => [region, device])));
    expect(rows).toHaveLength(18_000);
    expect(scanned(file)).toEqual(checked(file));
  });
});
