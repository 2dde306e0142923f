import { describe, expect, test } from 'vitest';
import { drainOnce } from '../../src/model/planning-data.ts';
import { SeriesFold } from '../../src/sources/series-fold.ts';

const DAY = 86_400;
// Windows may start on day 100 and end on day 110 or later: days 101-109 fold to cells.
const window = { firstStartDay: 100, lastStartDay: 100, endDay: 110 };
const names = [
  ['us-east-1', 'tv'],
  ['us-east-1', 'web'],
];

function folded(buckets?: readonly number[]) {
  const fold = new SeriesFold('traffic', 60, window, [{ start: 105 * DAY, end: 105 * DAY + 3600 }], buckets);
  fold.row(0, 99 * DAY + 10, 1); // before every window: one sample per series
  fold.row(0, 102 * DAY + 60, 2); // a cell (day 102, bucket 0) ...
  fold.row(0, 102 * DAY + 120, 4); // ... its mean is 3, at its latest time
  fold.row(1, 103 * DAY + 7200, 5); // a cell in bucket 2
  fold.row(0, 105 * DAY + 60, 100); // inside the past evacuation: as read
  fold.row(1, 110 * DAY + 30, 6); // the end's day: as read
  return fold.samples(names);
}

describe('a series fold', () => {
  test('keeps rows near the windows as read and folds the days between into cell means', () => {
    expect([...folded()]).toEqual([
      { t: 99 * DAY + 10, region: 'us-east-1', device: 'tv', value: 1 },
      { t: 102 * DAY + 120, region: 'us-east-1', device: 'tv', value: 3 },
      { t: 103 * DAY + 7200, region: 'us-east-1', device: 'web', value: 5 },
      { t: 105 * DAY + 60, region: 'us-east-1', device: 'tv', value: 100 },
      { t: 110 * DAY + 30, region: 'us-east-1', device: 'web', value: 6 },
    ]);
    expect(folded().length).toBe(5);
  });

  test('with the buckets a plan needs, drops the other cells but keeps each series known and the end as read', () => {
    expect([...folded([0])]).toEqual([
      { t: 99 * DAY + 10, region: 'us-east-1', device: 'tv', value: 1 },
      { t: 102 * DAY + 120, region: 'us-east-1', device: 'tv', value: 3 },
      { t: 105 * DAY + 60, region: 'us-east-1', device: 'tv', value: 100 },
      { t: 110 * DAY + 30, region: 'us-east-1', device: 'web', value: 6 },
      // web's only cell is in bucket 2: its latest row stands for it.
      { t: 103 * DAY + 7200, region: 'us-east-1', device: 'web', value: 5 },
    ]);
  });

  test('drained, gives the same samples once and lets the cells and rows go', () => {
    const samples = folded();
    const all = [...samples];
    expect([...drainOnce(samples)]).toEqual(all);
    // What is left: the one sample per series from before every window.
    expect([...samples]).toEqual([all[0]]);
    // An array has no store to free: drainOnce reads it as it is.
    expect([...drainOnce(all)]).toEqual(all);
  });
});
