import { describe, expect, test } from 'vitest';
import { PROGRESS_AFTER_MS, readProgress } from '../../src/sources/progress-line.ts';

describe('the progress line of a long read', () => {
  test('stays quiet for 2 s, then says the share read and the rows per second about once a second, and the total at the end', () => {
    const lines: string[] = [];
    let now = 0;
    const shown = readProgress(
      (line) => lines.push(line),
      'trace-samples.csv',
      1000,
      () => now,
    );
    now = PROGRESS_AFTER_MS - 1;
    shown.step(100, 10_000);
    expect(lines).toEqual([]);
    now = 2500;
    shown.step(450, 5_000_000);
    now = 3000;
    shown.step(600, 6_000_000); // under a second since the last line
    now = 3600;
    shown.step(900, 9_000_000);
    now = 4000;
    shown.done(10_000_000);
    expect(lines).toEqual([
      'reading trace-samples.csv: 45%, 2.0M rows/s',
      'reading trace-samples.csv: 90%, 2.5M rows/s',
      'read trace-samples.csv: 10.0M rows in 4.0 s',
    ]);
  });

  test('a short read says nothing, not even at its end', () => {
    const lines: string[] = [];
    let now = 0;
    const shown = readProgress(
      (line) => lines.push(line),
      'device-traffic.csv',
      1000,
      () => now,
    );
    now = 500;
    shown.step(1000, 1000);
    shown.done(1000);
    expect(lines).toEqual([]);
  });
});
