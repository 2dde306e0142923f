/** A date's kind for nominal levels: Saturday and Sunday are the weekend. */
export type DayType = 'weekday' | 'weekend';

/** `evacuation.yaml` `dayTypes`: nominal levels per day type, or over all dates (the old rule). */
export type DayTypeRule = 'weekday-weekend' | 'all';

const formatters = new Map<string, Intl.DateTimeFormat>();
const memo = new Map<string, Map<number, DayType>>();

/**
 * The day type of a time: weekend when its calendar date, in `timeZone` (an IANA zone) or in
 * UTC without one, is a Saturday or a Sunday. Memoised per zone and time, since one plan asks
 * for the same bucket starts many times.
 * @example dayTypeOf(Date.parse('2026-11-21T02:00:00Z') / 1000) // 'weekend' (a Saturday in UTC)
 * @example dayTypeOf(Date.parse('2026-11-21T02:00:00Z') / 1000, 'America/New_York') // 'weekday' (Friday 21:00)
 */
export function dayTypeOf(t: number, timeZone?: string): DayType {
  if (timeZone === undefined || timeZone === 'UTC') {
    const day = new Date(t * 1000).getUTCDay();
    return day === 0 || day === 6 ? 'weekend' : 'weekday';
  }
  let byTime = memo.get(timeZone);
  if (!byTime) {
    byTime = new Map();
    memo.set(timeZone, byTime);
  }
  const known = byTime.get(t);
  if (known !== undefined) return known;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  const weekday = formatter.format(new Date(t * 1000));
  const type: DayType = weekday === 'Sat' || weekday === 'Sun' ? 'weekend' : 'weekday';
  if (byTime.size > 100_000) byTime.clear();
  byTime.set(t, type);
  return type;
}

let canonicalZones: ReadonlySet<string> | undefined;

/**
 * Whether `timeZone` is an IANA zone this runtime knows. The runtime's list of canonical zones
 * answers most names without building a formatter (the first costs ~15 ms of ICU start-up);
 * 'UTC' and aliases (`Asia/Kolkata`, `US/Eastern`) are tried on a formatter.
 */
export function isTimeZone(timeZone: string): boolean {
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * How a plan tells day types apart: the rule and each region's time zone. With rule `all`
 * (or no day types given) every level is over all dates, as before day types existed.
 */
export interface DayTypes {
  readonly rule: DayTypeRule;
  readonly timeZones: Readonly<Record<string, string>>;
}

/** The day type of a region at a time, or undefined when the rule is `all`. */
export function regionDayType(dayTypes: DayTypes | undefined, region: string, t: number): DayType | undefined {
  if (!dayTypes || dayTypes.rule === 'all') return undefined;
  return dayTypeOf(t, dayTypes.timeZones[region]);
}

/** A region's time zone for day types: its configured one, else UTC. */
export function regionZone(dayTypes: DayTypes, region: string): string {
  return dayTypes.timeZones[region] ?? 'UTC';
}

/**
 * The day type of times in one zone, remembered by minute since the epoch (a small integer key,
 * unlike the time): what nominal levels ask once per cell, millions of times.
 */
export function zoneDayTypes(zone: string): (t: number) => DayType {
  let byMinute = zoneMemo.get(zone);
  if (byMinute === undefined) {
    byMinute = new Map<number, DayType>();
    zoneMemo.set(zone, byMinute);
  }
  const memo = byMinute;
  return (t) => {
    if (t % 60 !== 0) return dayTypeOf(t, zone);
    let type = memo.get(t / 60);
    if (type === undefined) {
      type = dayTypeOf(t, zone);
      if (memo.size > 100_000) memo.clear();
      memo.set(t / 60, type);
    }
    return type;
  };
}

const zoneMemo = new Map<string, Map<number, DayType>>();
