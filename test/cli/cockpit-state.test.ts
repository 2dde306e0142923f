import type { Key } from 'ink';
import { describe, expect, test } from 'vitest';
import { initialState, type KeyContext, reduceKey } from '../../cli/ui/cockpit-state.ts';
import { type KeyPress, keyPresses } from '../../cli/ui/keys.ts';
import { parsePlannedTime, parseWindow } from '../../cli/ui/planned-time.ts';

const NO_KEY = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
} as Key;
const ctx: KeyContext = { regions: ['us-west-2', 'us-east-1'], count: () => 30, page: 10, busy: false, confirmWord: 'us-west-2', hasProgress: false, now: 0 };
const AT = Date.parse('2026-11-23T10:30:00Z') / 1000;

function press(keys: readonly KeyPress[], context: KeyContext = ctx) {
  let state = initialState('us-west-2', AT, 0);
  const effects = [];
  for (const k of keys) {
    const r = reduceKey(state, k, context);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}
const chars = (text: string) => keyPresses(text, NO_KEY);

describe('keyPresses', () => {
  test('splits the characters of one read into one keypress each', () => {
    expect(keyPresses('jjj', NO_KEY)).toEqual([{ char: 'j' }, { char: 'j' }, { char: 'j' }]);
  });

  test('reads Enter, Tab and Backspace inside typed-ahead text', () => {
    expect(keyPresses('us\r', NO_KEY)).toEqual([{ char: 'u' }, { char: 's' }, { name: 'return' }]);
  });

  test('names arrows and paging keys', () => {
    expect(keyPresses('', { ...NO_KEY, pageDown: true })).toEqual([{ name: 'pageDown' }]);
  });
});

describe('reduceKey', () => {
  test('moves once per j and stops at the last row', () => {
    expect(press(chars('jjj')).state.selected).toBe(3);
    expect(press(chars('G')).state.selected).toBe(29);
    expect(press(chars('Gj')).state.selected).toBe(29);
  });

  test('Esc never quits; q quits; q asks first while an apply runs', () => {
    expect(press([{ name: 'escape' }]).effects).toEqual([]);
    expect(press(chars('q')).effects).toEqual([{ kind: 'quit' }]);
    const busy = press(chars('q'), { ...ctx, busy: true });
    expect(busy.state.quitAsked).toBe(true);
    expect(busy.effects).toEqual([]);
    expect(press(chars('qy'), { ...ctx, busy: true }).effects).toEqual([{ kind: 'quit' }]);
  });

  test('q typed into the filter is text, not quit', () => {
    const r = press(chars('/q'));
    expect(r.state.filter).toBe('q');
    expect(r.effects).toEqual([]);
  });

  test('apply needs the failed region typed exactly', () => {
    const wrong = press([...chars('aus-east-1'), { name: 'return' }]);
    expect(wrong.effects).toEqual([{ kind: 'review', action: 'apply' }]);
    expect(wrong.state.notice).toContain('type "us-west-2"');
    const right = press([...chars('aus-west-2'), { name: 'return' }]);
    expect(right.effects).toEqual([
      { kind: 'review', action: 'apply' },
      { kind: 'run', action: 'apply' },
    ]);
    expect(right.state.view).toBe('progress');
  });

  test('←/→ cycle the failed region once per keypress', () => {
    expect(press([{ name: 'right' }, { name: 'right' }]).state.failed).toBe('us-west-2');
    expect(press([{ name: 'right' }]).state.failed).toBe('us-east-1');
  });

  test('t and w change the planned time and window; a bad value is a notice', () => {
    expect(press([...chars('t+1h'), { name: 'return' }]).state.at).toBe(AT + 3600);
    expect(press([...chars('w30'), { name: 'return' }]).state.windowMinutes).toBe(30);
    expect(press([...chars('w-5'), { name: 'return' }]).state.notice).toContain('expected whole minutes');
  });
});

describe('parsePlannedTime', () => {
  test('reads relative times, a time of day on the planned day, now and ISO', () => {
    expect(parsePlannedTime('-30m', AT, 0)).toEqual({ ok: true, at: AT - 1800 });
    expect(parsePlannedTime('18:00', AT, 0)).toEqual({ ok: true, at: Date.parse('2026-11-23T18:00:00Z') / 1000 });
    expect(parsePlannedTime('now', AT, 123.7)).toEqual({ ok: true, at: 123 });
    expect(parsePlannedTime('2026-11-24T06:00:00Z', AT, 0)).toEqual({ ok: true, at: Date.parse('2026-11-24T06:00:00Z') / 1000 });
  });

  test('refuses what it cannot read, saying what it expects', () => {
    expect(parsePlannedTime('25:00', AT, 0)).toEqual({ ok: false, message: '"25:00": expected a time of day 00:00-23:59 (UTC)' });
    expect(parsePlannedTime('soon', AT, 0).ok).toBe(false);
    expect(parseWindow('abc').ok).toBe(false);
  });
});
