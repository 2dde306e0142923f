import { describe, expect, test } from 'vitest';
import { formatIssue } from '../../src/errors.ts';
import { parseCsv, parseTime } from '../../src/sources/csv-table.ts';
import { readDataDir } from '../../src/sources/files-source.ts';
import { SMALL_WORLD, writeWorld } from '../support/small-world.ts';

const REGIONS = new Set(['us-east-1', 'us-west-2', 'eu-west-1']);

function issuesOf(changes: Record<string, string | null>): string[] {
  const world = writeWorld(changes);
  const result = readDataDir(world.dataDir, REGIONS);
  if (result.ok) throw new Error('expected the data to be rejected');
  return result.issues.map((i) => formatIssue(i).replace(world.root, ''));
}

describe('parseTime', () => {
  test('reads ISO 8601 with a zone and Unix epoch seconds', () => {
    expect(parseTime('2026-11-23T10:05:00Z')).toBe(Date.UTC(2026, 10, 23, 10, 5) / 1000);
    expect(parseTime('2026-11-23T12:05:00+02:00')).toBe(Date.UTC(2026, 10, 23, 10, 5) / 1000);
    expect(parseTime('1795428300')).toBe(1795428300);
  });
  test('refuses a time without a zone or garbage', () => {
    expect(parseTime('2026-11-23T10:05:00')).toBeUndefined();
    expect(parseTime('yesterday')).toBeUndefined();
  });
});

describe('parseCsv', () => {
  test('accepts CRLF, quoted fields, columns in any order and blank lines', () => {
    const result = parseCsv(
      'value,"region",timestamp\r\n5,"us-east-1",1\r\n\r\n6,us-west-2,2\r\n',
      'x.csv',
      { timestamp: 'time', region: 'text', value: 'number' },
      (r) => ({ ...r }),
    );
    expect(result).toEqual({
      ok: true,
      data: [
        { line: 2, timestamp: 1, region: 'us-east-1', value: 5 },
        { line: 4, timestamp: 2, region: 'us-west-2', value: 6 },
      ],
    });
  });

  test('a quoted field may hold a comma; a row with an extra field is an error', () => {
    const cols = { service: 'text', value: 'number' } as const;
    expect(parseCsv('service,value\n"a,b",1\n', 'q.csv', cols, (r) => r.service)).toEqual({ ok: true, data: ['a,b'] });
    expect(parseCsv('service,value\nx,1,2\n', 'q.csv', cols, (r) => r.service)).toEqual({
      ok: false,
      issues: [{ file: 'q.csv', line: 2, message: 'expected 2 fields (service,value), found 3' }],
    });
  });

  test('a byte-order mark before the header is ignored', () => {
    expect(parseCsv('\uFEFFservice,value\na,1\n', 'q.csv', { service: 'text', value: 'number' }, (r) => r.service)).toEqual({ ok: true, data: ['a'] });
  });

  test('the last line needs no newline and LF-only files work', () => {
    expect(parseCsv('service,value\na,1\nb,2', 'q.csv', { service: 'text', value: 'number' }, (r) => `${r.service}${r.value}`)).toEqual({
      ok: true,
      data: ['a1', 'b2'],
    });
  });
});

describe('files source: bad input names file:line and what was expected', () => {
  test('a missing column', () => {
    expect(issuesOf({ 'data/device-traffic.csv': 'timestamp,region,value\n1,us-east-1,5\n' })).toEqual([
      '/data/device-traffic.csv:1: missing column "device_type": expected a header with timestamp,region,device_type,value',
    ]);
  });

  test('a bad number', () => {
    const bad = SMALL_WORLD['data/capacity.csv'].replace('us-east-1,authz,10,5,100', 'us-east-1,authz,ten,5,100');
    expect(issuesOf({ 'data/capacity.csv': bad })).toEqual([
      '/data/capacity.csv:2: column "current_capacity": "ten" is not a number: expected a non-negative number',
    ]);
  });

  test('a bad timestamp', () => {
    const bad = `${SMALL_WORLD['data/service-demand.csv']}23/11/2026,us-east-1,authz,5\n`;
    expect(issuesOf({ 'data/service-demand.csv': bad })).toEqual([
      '/data/service-demand.csv:4: column "timestamp": "23/11/2026" is not a timestamp: expected ISO 8601 with a zone (2026-11-23T10:05:00Z) or Unix epoch seconds',
    ]);
  });

  test('a row with too few fields', () => {
    const bad = `${SMALL_WORLD['data/trace-samples.csv']}2026-11-23T10:05:00Z,us-east-1,authz,tv\n`;
    expect(issuesOf({ 'data/trace-samples.csv': bad })).toEqual([
      '/data/trace-samples.csv:9: expected 5 fields (timestamp,region,service,device_type,count), found 4',
    ]);
  });

  test('an unknown region', () => {
    const bad = `${SMALL_WORLD['data/device-traffic.csv']}2026-11-22T10:00:00Z,ap-south-1,tv,1\n`;
    expect(issuesOf({ 'data/device-traffic.csv': bad })[0]).toMatch(/device-traffic.csv:16: unknown region "ap-south-1" in column "region"/);
  });

  test('duplicate capacity rows and min above max', () => {
    const bad = `${SMALL_WORLD['data/capacity.csv']}us-east-1,authz,1,1,1\neu-west-1,x,1,5,2\n`;
    expect(issuesOf({ 'data/capacity.csv': bad })).toEqual([
      '/data/capacity.csv:6: duplicate row for service "authz" in us-east-1 (first on line 2): expected one row per region and service',
      '/data/capacity.csv:7: min_capacity 5 is above max_capacity 2: expected min <= max',
    ]);
  });

  test('an evacuation that ends before it starts', () => {
    expect(issuesOf({ 'data/evacuations.csv': 'start,end,failed_region\n2026-11-23T10:00:00Z,2026-11-23T09:00:00Z,us-west-2\n' })).toEqual([
      '/data/evacuations.csv:2: end is not after start: expected start < end',
    ]);
  });

  test('a missing required file, reported with every other problem', () => {
    const issues = issuesOf({ 'data/capacity.csv': null, 'data/trace-samples.csv': 'timestamp,region\n' });
    expect(issues).toEqual([
      '/data/trace-samples.csv:1: missing columns "service", "device_type", "count": expected a header with timestamp,region,service,device_type,count',
      '/data/capacity.csv: file not found: expected region,service,current_capacity,min_capacity,max_capacity (see README, "Data files")',
    ]);
  });

  test('evacuations.csv is optional', () => {
    const world = writeWorld({ 'data/evacuations.csv': null });
    const result = readDataDir(world.dataDir, REGIONS);
    expect(result.ok && result.data.evacuations).toEqual([]);
  });
});
