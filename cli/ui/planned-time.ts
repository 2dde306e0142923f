import { parseTime } from '../../src/sources/csv-table.ts';

export type TimeInput = { readonly ok: true; readonly at: number } | { readonly ok: false; readonly message: string };

const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400 };

/**
 * The planned time the `t` prompt asks for: `+1h`/`-30m`/`+2d` relative to the current planned
 * time, `18:00` (that UTC time on the planned day), `now`, or ISO 8601 with a zone / epoch seconds.
 */
export function parsePlannedTime(text: string, current: number, now: number): TimeInput {
  const t = text.trim();
  if (t === 'now') return { ok: true, at: Math.floor(now) };
  const rel = /^([+-])(\d+)([mhd])$/.exec(t);
  if (rel) {
    const [, sign, n, unit] = rel;
    return { ok: true, at: current + (sign === '-' ? -1 : 1) * Number(n) * (UNIT_SECONDS[unit ?? 'm'] ?? 60) };
  }
  const hm = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (hm) {
    const h = Number(hm[1]);
    const m = Number(hm[2]);
    if (h > 23 || m > 59) return { ok: false, message: `"${t}": expected a time of day 00:00-23:59 (UTC)` };
    return { ok: true, at: Math.floor(current / 86_400) * 86_400 + h * 3600 + m * 60 };
  }
  const iso = parseTime(t);
  if (iso !== undefined) return { ok: true, at: iso };
  return { ok: false, message: `"${t}": expected +1h, -30m, +2d, 18:00 (UTC), now, or ISO 8601 with a zone` };
}

/** The `w` prompt: whole minutes, 0 or more. */
export function parseWindow(text: string): { readonly ok: true; readonly minutes: number } | { readonly ok: false; readonly message: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) > 7 * 1440) return { ok: false, message: `"${t}": expected whole minutes from 0 to 10080` };
  return { ok: true, minutes: Number(t) };
}
