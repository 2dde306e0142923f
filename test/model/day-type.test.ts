import { describe, expect, test } from 'vitest';
import { bucketTimes } from '../../src/model/bucket.ts';
import { dayTypeOf, isTimeZone } from '../../src/model/day-type.ts';
import { NominalLevels } from '../../src/model/nominal-level.ts';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('dayTypeOf', () => {
  test('is weekend on a UTC Saturday or Sunday and weekday otherwise', () => {
    expect(dayTypeOf(at('2026-11-20T23:59:59Z'))).toBe('weekday'); // Friday
    expect(dayTypeOf(at('2026-11-21T00:00:00Z'))).toBe('weekend'); // Saturday
    expect(dayTypeOf(at('2026-11-22T23:59:59Z'))).toBe('weekend'); // Sunday
    expect(dayTypeOf(at('2026-11-23T00:00:00Z'))).toBe('weekday'); // Monday
  });
  test('follows the local date in a time zone', () => {
    // Saturday 02:00 UTC is Friday 21:00 in New York; Monday 02:00 UTC is Sunday 23:00 in Sao Paulo.
    expect(dayTypeOf(at('2026-11-21T02:00:00Z'), 'America/New_York')).toBe('weekday');
    expect(dayTypeOf(at('2026-11-23T02:00:00Z'), 'America/Sao_Paulo')).toBe('weekend');
    // Friday 20:00 UTC is Saturday 07:00 in Sydney.
    expect(dayTypeOf(at('2026-11-20T20:00:00Z'), 'Australia/Sydney')).toBe('weekend');
  });
  test('knows IANA zones and refuses others', () => {
    expect(isTimeZone('Europe/Dublin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
  test('knows UTC and the aliases of zones, which the list of canonical zones leaves out', () => {
    for (const zone of ['UTC', 'Etc/UTC', 'Asia/Kolkata', 'US/Eastern', 'europe/dublin']) expect(isTimeZone(zone), zone).toBe(true);
  });
});

describe('bucketTimes', () => {
  test('plans the first bucket at the time asked for and every later one at its own start', () => {
    expect(bucketTimes(at('2026-11-20T23:50:00Z'), 30, 15)).toEqual([at('2026-11-20T23:50:00Z'), at('2026-11-21T00:00:00Z'), at('2026-11-21T00:15:00Z')]);
    expect(bucketTimes(at('2026-11-20T23:50:00Z'), 0, 15)).toEqual([at('2026-11-20T23:50:00Z')]);
  });
});

describe('NominalLevels.levelOn', () => {
  // Bucket 40 (10:00-10:15 UTC) on five dates: Thu 11-19 = 10, Fri 11-20 = 12 (mean of 11, 13),
  // Sat 11-21 = 30, Sun 11-22 = 34, Mon 11-23 = 14.
  const week = () => {
    const levels = new NominalLevels(15, new Set([40]), (_key, t) => dayTypeOf(t));
    levels.add('k', at('2026-11-19T10:00:00Z'), 10);
    levels.add('k', at('2026-11-20T10:00:00Z'), 11);
    levels.add('k', at('2026-11-20T10:05:00Z'), 13);
    levels.add('k', at('2026-11-21T10:00:00Z'), 30);
    levels.add('k', at('2026-11-22T10:00:00Z'), 34);
    levels.add('k', at('2026-11-23T10:00:00Z'), 14);
    return levels;
  };
  test('is the median of the means of the dates of the same day type', () => {
    expect(week().levelOn('k', 40, 'weekday')).toEqual({
      value: 12,
      fallback: false,
    }); // median(10, 12, 14)
    expect(week().levelOn('k', 40, 'weekend')).toEqual({
      value: 32,
      fallback: false,
    }); // median(30, 34)
  });
  test('is the median over all dates without a day type (dayTypes: all), never a fallback', () => {
    expect(week().levelOn('k', 40, undefined)).toEqual({
      value: 14,
      fallback: false,
    }); // median(10, 12, 14, 30, 34)
    expect(week().level('k', 40)).toBe(14);
  });
  test('falls back to all dates, flagged, with fewer than 2 dates of the day type', () => {
    const levels = new NominalLevels(15, new Set([40]), (_key, t) => dayTypeOf(t));
    levels.add('k', at('2026-11-19T10:00:00Z'), 10);
    levels.add('k', at('2026-11-20T10:00:00Z'), 20);
    levels.add('k', at('2026-11-21T10:00:00Z'), 60); // the only weekend date
    expect(levels.levelOn('k', 40, 'weekend')).toEqual({
      value: 20,
      fallback: true,
    }); // median(10, 20, 60)
    expect(levels.levelOn('k', 40, 'weekday')).toEqual({
      value: 15,
      fallback: false,
    });
  });
  test('decides a date by its local date in the series time zone', () => {
    // Bucket 8 (02:00-02:15 UTC): in New York, Sat 02:00 UTC is Friday evening and Mon 02:00 UTC is Sunday evening.
    const levels = new NominalLevels(15, new Set([8]), (_key, t) => dayTypeOf(t, 'America/New_York'));
    levels.add('k', at('2026-11-20T02:00:00Z'), 100); // Thu local
    levels.add('k', at('2026-11-21T02:00:00Z'), 110); // Fri local
    levels.add('k', at('2026-11-22T02:00:00Z'), 300); // Sat local
    levels.add('k', at('2026-11-23T02:00:00Z'), 320); // Sun local
    expect(levels.levelOn('k', 8, 'weekday')).toEqual({
      value: 105,
      fallback: false,
    });
    expect(levels.levelOn('k', 8, 'weekend')).toEqual({
      value: 310,
      fallback: false,
    });
  });
  test('is undefined without samples', () => {
    expect(new NominalLevels(15, new Set([40])).levelOn('k', 40, 'weekend')).toBeUndefined();
  });
});
