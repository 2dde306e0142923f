/**
 * The order of names (services, regions, device types, API names) wherever evac lists them: by
 * UTF-16 code units, the same on every machine. `localeCompare` would follow the machine's
 * locale (Danish puts "aa" after "z", so two CI runners could print one plan in two orders) and
 * loads ICU's collation data the first time (~8 ms of every plan).
 * @example ['b', 'a-1', 'a', 'B'].sort(compareNames) // ['B', 'a', 'a-1', 'b']
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
