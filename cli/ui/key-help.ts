/** Every key of `evac ui`, as the help overlay, `evac ui --help` and the README list them. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['j/k ↓/↑', 'next / previous service'],
  ['PgDn/PgUp Space/b', 'a page down / up'],
  ['g/G Home/End', 'first / last service'],
  ['←/→ h/l', 'previous / next failed region (re-plans)'],
  ['s', 'cycle the sort: risk, uniform error, name'],
  ['/', 'filter: service, region or flag (/exceeds); Esc clears'],
  ['Enter Tab', 'detail: devices, capacity, flags, the day'],
  ['t', 'planned time: +1h, -30m, 18:00 (UTC), now, or ISO 8601'],
  ['w', 'window (minutes): the worst bucket of [time, time+window)'],
  ['a', 'apply: review the calls, type the failed region'],
  ['p', 'progress per region, failures (also an earlier apply)'],
  ['r', 'in progress: retry what failed'],
  ['R', 'restore: review, type the region to confirm'],
  ['Ctrl-R', 'read the data again (capacity, Min/Max) and re-plan'],
  ['Esc', 'back (detail, prompt, filter); never quits'],
  ['?', 'this help (any key closes it)'],
  ['q Ctrl-C', 'quit (asks first while an apply or restore runs)'],
];

/** The key list as plain text, two columns. */
export function keyHelpText(indent = '  '): string {
  const width = Math.max(...KEY_HELP.map(([k]) => k.length));
  return KEY_HELP.map(([k, what]) => `${indent}${k.padEnd(width)}  ${what}`).join('\n');
}
