/** Every key of `evac ui`, as the help overlay, `evac ui --help` and the README list them. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['j/k ↓/↑', 'next / previous service'],
  ['PgDn/PgUp Space/b', 'a page down / up'],
  ['g/G Home/End', 'first / last service'],
  ['←/→ h/l', 'previous / next failed region (recomputes the plan)'],
  ['s', 'cycle the sort: risk, uniform error, name'],
  ['/', 'filter by service, region or flag (e.g. /exceeds); Enter keeps it, Esc clears it'],
  ['Enter Tab', 'full-screen detail of the service: devices, capacity, flags, the day'],
  ['t', 'planned time: +1h, -30m, 18:00 (UTC), now, or ISO 8601'],
  ['w', 'window in minutes: plan for the worst bucket in [time, time+window)'],
  ['a', 'apply review: the exact calls; type the failed region to confirm'],
  ['p', 'progress per region and failures (also of an earlier apply)'],
  ['r', 'in progress: retry what failed'],
  ['R', 'restore review: put every target back; type the region to confirm'],
  ['Esc', 'back (closes the detail, a prompt, the filter); never quits'],
  ['?', 'this help (any key closes it)'],
  ['q Ctrl-C', 'quit (asks first while an apply or restore runs)'],
];

/** The key list as plain text, two columns. */
export function keyHelpText(indent = '  '): string {
  const width = Math.max(...KEY_HELP.map(([k]) => k.length));
  return KEY_HELP.map(([k, what]) => `${indent}${k.padEnd(width)}  ${what}`).join('\n');
}
