import type { KeyPress } from './keys.ts';
import { PLAN_ORDERS, type PlanOrder } from './plan-order.ts';
import { parsePlannedTime, parseWindow } from './planned-time.ts';

/** The screen the cockpit shows. */
export type View = 'list' | 'detail' | 'review' | 'progress';
/** What a review or progress view is about. */
export type Action = 'apply' | 'restore';
export type PromptKind = 'filter' | 'time' | 'window' | 'confirm';

export interface CockpitState {
  readonly failed: string;
  /** Planned time, epoch seconds. */
  readonly at: number;
  readonly windowMinutes: number;
  readonly order: PlanOrder;
  /** Case-insensitive text matched against service, region and flags. */
  readonly filter: string;
  /** Index into the filtered, ordered entries. */
  readonly selected: number;
  readonly view: View;
  readonly help: boolean;
  readonly prompt: { readonly kind: PromptKind; readonly text: string } | null;
  readonly action: Action | null;
  /** `q` while an apply or restore runs: asks first. */
  readonly quitAsked: boolean;
  /** One line for the status bar (a refused key, a bad time); cleared by the next key. */
  readonly notice: string | null;
}

/** Work the parent does for a key: the reducer stays pure. */
export type Effect =
  | { readonly kind: 'quit' }
  | { readonly kind: 'review'; readonly action: Action }
  | { readonly kind: 'run'; readonly action: Action }
  | { readonly kind: 'retry' }
  /** Watch the active pre-scaling (one applied earlier, or by another evac). */
  | { readonly kind: 'watch' }
  /** Read the data again (capacity and Min/Max move during an incident) and re-plan. */
  | { readonly kind: 'reload' };

export interface KeyContext {
  /** Regions that may fail, in the order ←/→ cycles. */
  readonly regions: readonly string[];
  /** How many entries a filter leaves. */
  readonly count: (filter: string) => number;
  /** Rows of the list, for PageUp/PageDown. */
  readonly page: number;
  /** An apply or restore is running. */
  readonly busy: boolean;
  /** What the operator must type to confirm the review (the failed region's name). */
  readonly confirmWord: string;
  /** Has this session applied or restored (the progress view has something to show)? */
  readonly hasProgress: boolean;
  /** Epoch seconds, for `t now`. */
  readonly now: number;
}

export function initialState(failed: string, at: number, windowMinutes: number): CockpitState {
  return {
    failed,
    at,
    windowMinutes,
    order: 'risk',
    filter: '',
    selected: 0,
    view: 'list',
    help: false,
    prompt: null,
    action: null,
    quitAsked: false,
    notice: null,
  };
}

/**
 * The cockpit's key handling as a pure function: one keypress in, the next state and the work
 * to start out. The parent applies it to every keypress of an input event in turn, so keys that
 * arrive together are each handled once, against the state the previous one left.
 */
export function reduceKey(s0: CockpitState, key: KeyPress, ctx: KeyContext): { state: CockpitState; effects: Effect[] } {
  const s: CockpitState = { ...s0, notice: null };
  const none = (state: CockpitState) => ({ state, effects: [] as Effect[] });
  const is = (name: string) => 'name' in key && key.name === name;
  const ch = 'char' in key ? key.char : undefined;

  if (s.help) return none({ ...s, help: false });
  if (s.quitAsked) {
    if (ch === 'y' || ch === 'q') return { state: s, effects: [{ kind: 'quit' }] };
    return none({ ...s, quitAsked: false, notice: 'not quitting: the work goes on' });
  }
  if (is('ctrlC')) return quit(s, ctx);
  if (s.prompt) return prompt(s, s.prompt, key, ctx);
  if (is('ctrlR')) return { state: { ...s, notice: 'reading the data again…' }, effects: [{ kind: 'reload' }] };

  if (ch === '?') return none({ ...s, help: true });
  if (ch === 'q') return quit(s, ctx);
  const move = (to: number) => none({ ...s, selected: clamp(to, ctx.count(s.filter)) });
  switch (s.view) {
    case 'list':
    case 'detail': {
      if (ch === 'j' || is('down')) return move(s.selected + 1);
      if (ch === 'k' || is('up')) return move(s.selected - 1);
      if (is('pageDown') || ch === ' ') return move(s.selected + ctx.page);
      if (is('pageUp') || ch === 'b') return move(s.selected - ctx.page);
      if (ch === 'g' || is('home')) return move(0);
      if (ch === 'G' || is('end')) return move(ctx.count(s.filter) - 1);
      if (is('left') || is('right') || ch === 'h' || ch === 'l') {
        const i = ctx.regions.indexOf(s.failed);
        const step = is('right') || ch === 'l' ? 1 : ctx.regions.length - 1;
        const next = ctx.regions[(i + step) % ctx.regions.length] ?? s.failed;
        return none({ ...s, failed: next, selected: 0 });
      }
      if (ch === 'a')
        return { state: { ...s, view: 'review', action: 'apply', prompt: { kind: 'confirm', text: '' } }, effects: [{ kind: 'review', action: 'apply' }] };
      if (ch === 'R')
        return { state: { ...s, view: 'review', action: 'restore', prompt: { kind: 'confirm', text: '' } }, effects: [{ kind: 'review', action: 'restore' }] };
      if (ch === 'p') return { state: { ...s, view: 'progress' }, effects: ctx.hasProgress ? [] : [{ kind: 'watch' }] };
      if (s.view === 'list') {
        if (ch === 's') return none({ ...s, order: PLAN_ORDERS[(PLAN_ORDERS.indexOf(s.order) + 1) % PLAN_ORDERS.length] ?? 'risk', selected: 0 });
        if (ch === '/') return none({ ...s, prompt: { kind: 'filter', text: s.filter } });
        if (ch === 't') return none({ ...s, prompt: { kind: 'time', text: '' } });
        if (ch === 'w') return none({ ...s, prompt: { kind: 'window', text: '' } });
        if (is('return') || is('tab')) return ctx.count(s.filter) > 0 ? none({ ...s, view: 'detail' }) : none({ ...s, notice: 'no service to show' });
        if (is('escape')) return s.filter !== '' ? none({ ...s, filter: '', selected: 0 }) : none({ ...s, notice: 'Esc goes back; q quits' });
      } else if (is('escape') || is('return') || is('tab') || is('backspace')) {
        return none({ ...s, view: 'list' });
      }
      return none(s);
    }
    case 'review':
      return none(s);
    case 'progress':
      if (is('escape') || is('tab')) return none({ ...s, view: 'list' });
      if (ch === 'r') return ctx.busy ? none({ ...s, notice: 'still running: r retries once it is done' }) : { state: s, effects: [{ kind: 'retry' }] };
      if (ch === 'R')
        return { state: { ...s, view: 'review', action: 'restore', prompt: { kind: 'confirm', text: '' } }, effects: [{ kind: 'review', action: 'restore' }] };
      return none(s);
  }
}

function quit(s: CockpitState, ctx: KeyContext): { state: CockpitState; effects: Effect[] } {
  if (ctx.busy) return { state: { ...s, quitAsked: true }, effects: [] };
  return { state: s, effects: [{ kind: 'quit' }] };
}

function prompt(s: CockpitState, p: NonNullable<CockpitState['prompt']>, key: KeyPress, ctx: KeyContext): { state: CockpitState; effects: Effect[] } {
  const none = (state: CockpitState) => ({ state, effects: [] as Effect[] });
  const live = (text: string) => (p.kind === 'filter' ? { filter: text, selected: 0 } : {});
  if ('char' in key) {
    const text = p.text + key.char;
    return none({ ...s, prompt: { ...p, text }, ...live(text) });
  }
  switch (key.name) {
    case 'backspace': {
      const text = p.text.slice(0, -1);
      return none({ ...s, prompt: { ...p, text }, ...live(text) });
    }
    case 'escape':
      if (p.kind === 'filter') return none({ ...s, prompt: null, filter: '', selected: 0 });
      if (p.kind === 'confirm') return none({ ...s, prompt: null, view: 'list', action: null });
      return none({ ...s, prompt: null });
    case 'return':
      switch (p.kind) {
        case 'filter':
          return none({ ...s, prompt: null, selected: clamp(s.selected, ctx.count(s.filter)) });
        case 'time': {
          const t = parsePlannedTime(p.text, s.at, ctx.now);
          return t.ok ? none({ ...s, prompt: null, at: t.at, selected: 0 }) : none({ ...s, prompt: null, notice: `t ${t.message}` });
        }
        case 'window': {
          const w = parseWindow(p.text);
          return w.ok ? none({ ...s, prompt: null, windowMinutes: w.minutes, selected: 0 }) : none({ ...s, prompt: null, notice: `w ${w.message}` });
        }
        case 'confirm': {
          if (p.text.trim() !== ctx.confirmWord)
            return none({ ...s, prompt: { ...p, text: '' }, notice: `type "${ctx.confirmWord}" and Enter to confirm, Esc to go back` });
          if (ctx.busy) return none({ ...s, notice: 'another apply or restore is running' });
          const action = s.action ?? 'apply';
          return { state: { ...s, prompt: null, view: 'progress' }, effects: [{ kind: 'run', action }] };
        }
      }
      return none(s);
    default:
      return none(s);
  }
}

function clamp(i: number, count: number): number {
  return Math.max(0, Math.min(count - 1, i));
}
