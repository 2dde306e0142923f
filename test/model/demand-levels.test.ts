import { describe, expect, test } from 'vitest';
import { dayTypeOf } from '../../src/model/day-type.ts';
import { FoundLevels, levelBlock } from '../../src/model/demand-levels.ts';
import { mulberry32 } from '../../src/model/mulberry32.ts';
import { NominalLevels } from '../../src/model/nominal-level.ts';

const BUCKET_MINUTES = 15;
const DAY = 86_400;
/** Bucket 40 (10:00 UTC) of 14 dates from Monday 2026-11-09; series 0 and 1 in UTC, series 2 in Tokyo. */
const BUCKET = 40;
const FIRST_DAY = Date.parse('2026-11-09T00:00:00Z') / 1000 / DAY;
const zoneOf = (series: number) => (series === 2 ? 'Asia/Tokyo' : 'UTC');

/** Random samples of three series in the bucket, a few per date, some dates missing. */
function samples(seed: number) {
  const random = mulberry32(seed);
  const rows: { series: number; t: number; v: number }[] = [];
  for (let day = FIRST_DAY; day < FIRST_DAY + 14; day++) {
    for (let series = 0; series < 3; series++) {
      if (random() < 0.2) continue;
      const start = day * DAY + BUCKET * BUCKET_MINUTES * 60;
      for (let k = 0; k < 3; k++) rows.push({ series, t: start + k * 300, v: Math.round(random() * 1000) / 8 });
    }
  }
  return {
    n: rows.length,
    series: Int32Array.from(rows, (r) => r.series),
    t: Float64Array.from(rows, (r) => r.t),
    v: Float64Array.from(rows, (r) => r.v),
  };
}

describe('demand levels found already', () => {
  test('levelBlock gives, per series, what NominalLevels.levelOn gives for all dates, weekdays and weekends, fallbacks included', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rows = samples(seed);
      const block = levelBlock(rows, BUCKET, BUCKET_MINUTES, (s) => (t) => dayTypeOf(t, zoneOf(s)));
      const folded = new NominalLevels(BUCKET_MINUTES, new Set([BUCKET]), (key, t) => dayTypeOf(t, zoneOf(Number(key))));
      for (let i = 0; i < rows.n; i++) folded.add(String(rows.series[i]), rows.t[i] as number, rows.v[i] as number);
      const found = new FoundLevels(
        { series: [['a'], ['b'], ['c']], buckets: new Map([[BUCKET, block]]), atCapacity: new Float64Array(0), span: [0, 0] },
        (names) => names[0] as string,
      );
      for (const [s, key] of ['a', 'b', 'c'].entries()) {
        for (const dayType of [undefined, 'weekday', 'weekend'] as const) {
          expect(found.levelOn(key, BUCKET, dayType)).toEqual(folded.levelOn(String(s), BUCKET, dayType));
        }
      }
    }
  });

  test('a series with no sample in a bucket, a bucket not read and an unknown series have no level (undefined, as NominalLevels says)', () => {
    const rows = samples(7);
    const onlyFirst = { n: 1, series: Int32Array.of(0), t: rows.t.subarray(0, 1), v: rows.v.subarray(0, 1) };
    const block = levelBlock(onlyFirst, BUCKET, BUCKET_MINUTES, () => () => 'weekday');
    const found = new FoundLevels(
      { series: [['a'], ['b']], buckets: new Map([[BUCKET, block]]), atCapacity: new Float64Array(0), span: [0, 0] },
      (names) => names[0] as string,
    );
    expect(found.levelOn('a', BUCKET, undefined)).toEqual({ value: onlyFirst.v[0], fallback: false });
    // One weekday date only: fewer than two of its type, so the weekday level falls back to all dates.
    expect(found.levelOn('a', BUCKET, 'weekday')).toEqual({ value: onlyFirst.v[0], fallback: true });
    expect(found.levelOn('b', BUCKET, undefined)).toBeUndefined();
    expect(found.levelOn('a', BUCKET + 1, undefined)).toBeUndefined();
    expect(found.levelOn('z', BUCKET, undefined)).toBeUndefined();
  });
});
