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
