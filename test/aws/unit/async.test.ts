import { describe, expect, test } from 'vitest';
import { DeadlineExceeded, withDeadline } from '../../../src/async/deadline.ts';
import { mapLimit } from '../../../src/async/map-limit.ts';
import { forEachRegion } from '../../../src/async/regions.ts';

describe('mapLimit', () => {
  test('keeps results in item order with at most `limit` calls in flight', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(2);
  });

  test('rethrows the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });

  test('returns an empty list for no items, and refuses a limit below 1', async () => {
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});

describe('withDeadline', () => {
  test('returns the result of work that finishes in time', async () => {
    expect(await withDeadline(1000, async () => 42)).toBe(42);
  });

  test('rejects by the deadline even when the work ignores the signal, and aborts the signal', async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    const error = await withDeadline(50, (s) => {
      signal = s;
      return new Promise(() => {});
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(signal?.aborted).toBe(true);
  });
});

describe('forEachRegion', () => {
  test('keeps each answer, and names why a region failed or ran out of time while the others go on', async () => {
    const results = await forEachRegion(['us-east-1', 'eu-west-1', 'ap-south-1'], 50, async (region, signal) => {
      if (region === 'eu-west-1') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      if (region === 'ap-south-1') await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return region.length;
    });
    expect([...results.answered]).toEqual([['us-east-1', 9]]);
    expect(Object.fromEntries(results.failed)).toEqual({
      'eu-west-1': 'ThrottlingException (HTTP 400): Rate exceeded',
      'ap-south-1': 'no answer within 50 ms',
    });
  });
});
