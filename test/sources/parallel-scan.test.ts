import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { EvacError, inputError, unwrap } from '../../src/errors.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { engineWindow } from '../../src/sources/aggregate-sql.ts';
import { type ScanResult, scanCsv } from '../../src/sources/csv-scan.ts';
import { latestInTail } from '../../src/sources/csv-tail.ts';
import { readTraffic } from '../../src/sources/data-files.ts';
import { DATA_FILES } from '../../src/sources/data-tables.ts';
import type { DataSource } from '../../src/sources/data-source.ts';
import { FilesSource, readDataDir } from '../../src/sources/files-source.ts';
import { type ScanWorker, scanSeriesTables, startScanWorker, type TableJob } from '../../src/sources/parallel-scan.ts';
import { type Part, type ScanTask, scanPart, takeShared } from '../../src/sources/scan-task.ts';
import { ROOT } from '../support/run-cli.ts';

const FIXTURES = path.join(ROOT, 'fixtures');
const config = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));
const regions = new Set(config.evacuation.regions);
const AT = [Date.parse('2026-11-23T20:00:00Z') / 1000, Date.parse('2026-11-22T14:31:00Z') / 1000];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'evac-parallel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the fixtures with the trace table (or `table`) rewritten by `edit`. */
function fixturesWithTraces(name: string, edit: (lines: string[]) => string[], table = 'trace-samples.csv'): string {
  const dir = path.join(tmp, name);
  cpSync(FIXTURES, dir, { recursive: true });
  const file = path.join(dir, table);
  writeFileSync(file, `${edit(readFileSync(file, 'utf8').trimEnd().split('\n')).join('\n')}\n`);
  return dir;
}

function rowByRow(dir: string): DataSource {
  const data = unwrap(readDataDir(dir, regions));
  return { load: async () => ({ data, unreachable: [], apiCalls: {}, description: `files in ${dir}` }) };
}

async function samePlans(dir: string, workers: readonly ('always' | 'never')[] = ['always']): Promise<void> {
  const expected = rowByRow(dir);
  for (const w of workers) {
    const source = new FilesSource(dir, { workers: w });
    for (const at of AT) {
      for (const failedRegion of ['us-west-2', 'sa-east-1']) {
        const want = await planEvacuation({ config, source: expected, failedRegion, at, windowMinutes: 240 });
        const got = await planEvacuation({ config, source, failedRegion, at, windowMinutes: 240 });
        expect(got).toStrictEqual(want);
      }
    }
  }
}

describe('reading big tables on two threads', () => {
  test('with the front of the trace table on a worker thread and the rest here, plans as the row-by-row reader does', async () => {
    await samePlans(FIXTURES);
  }, 60_000);

  test('a split trace table holding fractions is read again in one pass: the same plans, bit for bit', async () => {
    const dir = fixturesWithTraces('fractions', (lines) =>
      lines.map((line, i) => (i === 0 ? line : line.replace(/,(\d+)$/, (_, n: string) => `,${Number(n) / 3 + 0.1}`))),
    );
    expect(readFileSync(path.join(dir, 'trace-samples.csv'), 'utf8')).toMatch(/\.\d{5}/);
    await samePlans(dir);
  }, 60_000);

  test('reads on the window the traffic table ends with; when its last lines are not its latest day, reads again: the same plans, on one thread or two', async () => {
    const file = path.join(FIXTURES, 'device-traffic.csv');
    const latest = Math.max(...unwrap(readTraffic(file, regions)).map((s) => s.t));
    expect(latestInTail(file, 'timestamp')).toBe(latest);
    // The latest day's rows moved to the front: the last lines end a day earlier.
    const lastDay = Math.floor(latest / 86_400);
    const dir = fixturesWithTraces(
      'traffic-out-of-order',
      ([header, ...rows]) => {
        const onLastDay = (row: string) => Math.floor(Number(row.split(',')[0]) / 86_400) === lastDay;
        return [header as string, ...rows.filter(onLastDay), ...rows.filter((row) => !onLastDay(row))];
      },
      'device-traffic.csv',
    );
    const guess = latestInTail(path.join(dir, 'device-traffic.csv'), 'timestamp');
    expect(Math.floor((guess ?? 0) / 86_400)).toBeLessThan(lastDay);
    await samePlans(dir, ['always', 'never']);
  }, 60_000);

  test('a traffic table whose last lines hold no time the tail reader knows is folded once read whole: the same plans', async () => {
    // Quoted cells are read by the row-by-row checker (the same values), not by the tail reader.
    const dir = fixturesWithTraces(
      'traffic-quoted-tail',
      (lines) => lines.map((line, i) => (i >= lines.length - 3000 ? line.replace(/^(\d+),/, '"$1",') : line)),
      'device-traffic.csv',
    );
    expect(latestInTail(path.join(dir, 'device-traffic.csv'), 'timestamp')).toBeNull();
    await samePlans(dir, ['always', 'never']);
  }, 60_000);

  test('names bad rows in either half with their line in the whole file, as the checker does', async () => {
    const dir = fixturesWithTraces('bad', (lines) => {
      const out = [...lines];
      const early = 10;
      const late = lines.length - 10;
      out[early] = (out[early] as string).replace(/,\d+$/, ',many');
      out[late] = (out[late] as string).replace(/^[^,]+/, 'yesterday');
      return out;
    });
    const checked = readDataDir(dir, regions);
    expect(checked.ok).toBe(false);
    const want = checked.ok ? 'unreachable' : inputError(checked.issues).message;
    let got = '';
    try {
      await new FilesSource(dir, { workers: 'always' }).load({ config, scopes: [], from: 0, to: AT[0] as number });
    } catch (error) {
      if (!(error instanceof EvacError)) throw error;
      got = error.message;
    }
    expect(got).toContain(want);
    expect(got).toMatch(/trace-samples\.csv:11: /);
  }, 60_000);
});

describe('sharing the tables with a worker thread', () => {
  const latest = Date.parse('2026-11-23T20:00:00Z') / 1000;
  const params = { regions: config.evacuation.regions, bucketMinutes: 15, window: engineWindow(latest, latest, 7), evacuations: [] };
  const job = (table: 'traces' | 'demand', file: string, scale = 1): TableJob => ({
    table,
    file: path.join(FIXTURES, file),
    bytes: statSync(path.join(FIXTURES, file)).size * scale,
  });
  const read = async (jobs: TableJob[], worker: ScanWorker | null) => (await scanSeriesTables(jobs, params, { worker })).map((r) => (r?.ok ? [...r.data] : r));

  test('reads the front of the trace table there, the rest and the demand table here: the same samples as one thread', async () => {
    const jobs = [job('traces', 'trace-samples.csv'), job('demand', 'service-demand.csv')];
    const alone = await read(jobs, null);
    expect(alone.map((r) => (Array.isArray(r) ? r.length : 0)).every((n) => n > 1000)).toBe(true);
    expect(await read(jobs, startScanWorker())).toStrictEqual(alone);
  }, 60_000);

  test('the ranges either thread takes give the same samples whichever thread takes them', async () => {
    const jobs = [job('traces', 'trace-samples.csv'), job('demand', 'service-demand.csv')];
    const alone = await read(jobs, null);
    // Threads stood in for by this one (the order of taking is what is tested; the real thread is tested above).
    let offered = 0;
    const taking = (greedy: boolean): ScanWorker => ({
      async run(work) {
        offered = work.shared.length;
        const shared: { index: number; part: Part }[] = [];
        // Greedy: takes every shared range before this thread can; else leaves them all to it.
        if (greedy)
          for (let index = takeShared(work); index >= 0; index = takeShared(work)) shared.push({ index, part: scanPart(work.shared[index] as ScanTask) });
        else await new Promise((resolve) => setTimeout(resolve, 50));
        return { own: scanPart(work.own), shared };
      },
      release: () => undefined,
      stop: () => undefined,
    });
    expect(await read(jobs, taking(true))).toStrictEqual(alone);
    expect(offered).toBeGreaterThan(1);
    expect(await read(jobs, taking(false))).toStrictEqual(alone);
  }, 60_000);

  test('when demand is the bigger table, reads the trace table there and demand here: the same samples', async () => {
    const jobs = [job('traces', 'trace-samples.csv'), job('demand', 'service-demand.csv', 10)];
    expect(await read(jobs, startScanWorker())).toStrictEqual(await read(jobs, null));
  }, 60_000);
});

describe('scanning a file in byte ranges', () => {
  const file = path.join(tmp, 'device-traffic.csv');
  writeFileSync(
    file,
    'timestamp,region,device_type,value\r\n1763892000,us-east-1,tv,1.5\n\n1763892300,us-west-2,"ios",2\n1763892600,eu-west-1,web,3\r\nbad,eu-west-1,web,4\n1763892900,us-east-1,tv,5',
  );
  const { keys, value } = { keys: ['region', 'device_type'], value: 'value' };
  const spec = { columns: DATA_FILES.traffic.columns, time: 'timestamp', keys, value };
  const read = (range?: { start: number; end: number }) => {
    const rows: string[] = [];
    const scan = scanCsv(file, spec, regions, { row: (s, t, v) => rows.push(`${s}:${t}:${v}`) }, undefined, range) as ScanResult;
    return { rows: rows.map((r) => r.replace(/^\d+/, (s) => (scan.series[Number(s)] ?? []).join('/'))), scan };
  };

  test('at every split point, the two ranges hold every line once, in order, with the same line numbers', () => {
    const whole = read();
    expect(whole.rows).toHaveLength(4);
    // Line 6 ("bad"), as the row-by-row checker numbers it.
    const checker = readTraffic(file, regions);
    expect(checker.ok ? [] : checker.issues.map((i) => i.line)).toEqual([6]);
    expect(whole.scan.issues.map((i) => i.line)).toEqual([6]);
    const size = readFileSync(file).length;
    for (let split = 1; split < size; split++) {
      const first = read({ start: 0, end: split });
      const second = read({ start: split, end: Number.MAX_SAFE_INTEGER });
      expect([...first.rows, ...second.rows]).toEqual(whole.rows);
      const lines = [...first.scan.issues.map((i) => i.line), ...second.scan.issues.map((i) => (i.line ?? 0) + first.scan.lastLine)];
      expect(lines).toEqual([6]);
    }
  });
});

describe('capacity observed days before the history ends', () => {
  test('the demand nearest each observation is a row as read, not a cell: the same plans as the row-by-row reader', async () => {
    const dir = path.join(tmp, 'old-capacity');
    cpSync(FIXTURES, dir, { recursive: true });
    // Demand every 5 minutes, each 15-minute cell of three different values.
    const demand = path.join(dir, 'service-demand.csv');
    const [header, ...rows] = readFileSync(demand, 'utf8').trimEnd().split('\n');
    const finer = rows.flatMap((row) => {
      const [t, region, service, value] = row.split(',');
      return [0, 1, 2].map((k) => `${Number(t) + 300 * k},${region},${service},${Number(value) + 7 * k}`);
    });
    writeFileSync(demand, `${[header, ...finer].join('\n')}\n`);
    const file = path.join(dir, 'capacity.csv');
    // Every observation moved 6 days and 7 minutes back: inside the days that fold to cells.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${lines.map((l, i) => (i === 0 ? l : l.replace(/,(\d+)$/, (_, t: string) => `,${Number(t) - 6 * 86_400 - 420}`))).join('\n')}\n`);
    const expected = rowByRow(dir);
    // The same demand as Parquet, read by the columnar engine (the same fold in SQL).
    const parquetDir = path.join(tmp, 'old-capacity-parquet');
    cpSync(dir, parquetDir, { recursive: true });
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    await db.run(`COPY (SELECT * FROM read_csv('${demand}', header = true)) TO '${parquetDir}/service-demand.parquet' (FORMAT parquet)`);
    db.closeSync();
    rmSync(path.join(parquetDir, 'service-demand.csv'));
    for (const [workers, from] of [
      ['never', dir],
      ['always', dir],
      ['never', parquetDir],
    ] as const) {
      const source = new FilesSource(from, { workers });
      for (const at of AT) {
        const want = await planEvacuation({ config, source: expected, failedRegion: 'us-west-2', at, windowMinutes: 60 });
        const got = await planEvacuation({ config, source, failedRegion: 'us-west-2', at, windowMinutes: 60 });
        expect(got.services.some((e) => e.flags.includes('capacity-rescaled'))).toBe(true);
        // The same plan; only where it says the data came from differs.
        expect({ ...got, source: '' }).toStrictEqual({ ...want, source: '' });
      }
    }
  }, 60_000);
});
