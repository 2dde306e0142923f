/**
 * A regular expression written by a user in a config file. JavaScript has no inline flags,
 * but the patterns people copy from Go, Java or Python often start with `(?i)`: a leading
 * `(?i)` is read as the `i` (case-insensitive) flag. Any other inline flag group is refused
 * by the RegExp constructor, and so by config loading.
 *
 * @returns the compiled regex, or the reason it does not compile
 * @example userRegex('(?i)iphone|ipad') // { ok: true, regex: /iphone|ipad/i }
 */
export function userRegex(pattern: string): { readonly ok: true; readonly regex: RegExp } | { readonly ok: false; readonly message: string } {
  const caseless = pattern.startsWith('(?i)');
  const source = caseless ? pattern.slice(4) : pattern;
  try {
    return { ok: true, regex: new RegExp(source, caseless ? 'i' : '') };
  } catch (error) {
    return { ok: false, message: `not a valid regular expression (JavaScript syntax; a leading (?i) means case-insensitive): ${(error as Error).message}` };
  }
}
