import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { buildReport } from '../../src/services/report.ts';
import type { DataSource } from '../../src/sources/data-source.ts';
import { FilesSource, readDataDir } from '../../src/sources/files-source.ts';

/** Always the columnar engine, whatever the size of the files. */
const ENGINE = { reader: 'engine' } as const;
import { MemoSource } from '../../src/sources/memo-source.ts';
import { ROOT } from '../support/run-cli.ts';

const FIXTURES = path.join(ROOT, 'fixtures');
const config = unwrap(loadConfig(path.join(ROOT, 'metrics-config')));

/** Today's path: every CSV row as an object, through the line-by-line checker (read once). */
const rows = unwrap(readDataDir(FIXTURES, new Set(config.evacuation.regions)));
const rowByRow: DataSource = { load: async () => ({ data: rows, unreachable: [], apiCalls: {}, description: `files in ${FIXTURES}` }) };

const AT = [
  Date.parse('2026-11-23T20:00:00Z') / 1000,
  // Inside a bucket, between samples: the window's edges cut cells at both ends.
  Date.parse('2026-11-23T07:07:30Z') / 1000,
  // After the data's end: the history ends at the latest traffic sample.
  Date.parse('2026-11-25T03:00:00Z') / 1000,
  // Inside the past evacuation of sa-east-1 (2026-11-22 14:00-15:00).
  Date.parse('2026-11-22T14:31:00Z') / 1000,
];

describe('the engine (FilesSource)', () => {
  test.each(AT)('gives the same plan as the row-by-row reader for every failed region (at %i)', async (at) => {
    // One engine load per planning time (what a load depends on), every failed region from it.
    const engine = new MemoSource(new FilesSource(FIXTURES, ENGINE));
    for (const failedRegion of config.evacuation.regions) {
      for (const windowMinutes of [0, 240]) {
        const expected = await planEvacuation({ config, source: rowByRow, failedRegion, at, windowMinutes });
        const actual = await planEvacuation({ config, source: engine, failedRegion, at, windowMinutes });
        expect(actual).toStrictEqual(expected);
      }
    }
  });

  test('gives the same report (several plans from one load)', async () => {
    const now = Date.parse('2026-11-24T06:00:00Z') / 1000;
    const expected = await buildReport({ config, source: rowByRow, now });
    const actual = await buildReport({ config, source: new FilesSource(FIXTURES, ENGINE), now });
    expect(actual).toStrictEqual(expected);
  });
});
