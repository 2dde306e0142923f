import type { Key } from 'ink';

/** A named key that is not a character. */
export type KeyName = 'up' | 'down' | 'left' | 'right' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'backspace' | 'ctrlC' | 'ctrlR';

/** One keypress: a character, or a named key. */
export type KeyPress = { readonly char: string } | { readonly name: KeyName };

const CONTROL_CHARS: Readonly<Record<string, KeyName>> = {
  '\r': 'return',
  '\n': 'return',
  '\t': 'tab',
  '\u007F': 'backspace',
  '\b': 'backspace',
  '\u0003': 'ctrlC',
  '\u0012': 'ctrlR',
};

/**
 * The keypresses in one input event. Ink delivers the characters that arrive in one read as one
 * string (`jjj` when a key is held or typed ahead over SSH); each is its own keypress here, so
 * that every key is handled exactly once.
 */
export function keyPresses(input: string, key: Key): KeyPress[] {
  const named: KeyName | undefined = key.upArrow
    ? 'up'
    : key.downArrow
      ? 'down'
      : key.leftArrow
        ? 'left'
        : key.rightArrow
          ? 'right'
          : key.pageUp
            ? 'pageUp'
            : key.pageDown
              ? 'pageDown'
              : key.home
                ? 'home'
                : key.end
                  ? 'end'
                  : key.escape
                    ? 'escape'
                    : key.tab
                      ? 'tab'
                      : key.backspace || key.delete
                        ? 'backspace'
                        : key.ctrl && input === 'c'
                          ? 'ctrlC'
                          : key.ctrl && input === 'r'
                            ? 'ctrlR'
                            : key.return && input.length <= 1
                              ? 'return'
                              : undefined;
  if (named !== undefined) return [{ name: named }];
  if (key.ctrl || key.meta) return [];
  return Array.from(input, (c) => {
    const control = CONTROL_CHARS[c];
    return control === undefined ? { char: c } : { name: control };
  });
}
