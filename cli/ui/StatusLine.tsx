import { Text } from 'ink';
import type { CockpitState } from './cockpit-state.ts';

const PROMPTS = { filter: '/', time: 'planned time (+1h, 18:00, now, ISO)> ', window: 'window minutes> ', confirm: '' } as const;

export interface StatusLineProps {
  readonly state: CockpitState;
  /** An error while running (AWS down...): shown here, the UI stays usable. */
  readonly error: string | null;
  readonly busy: boolean;
  readonly width: number;
}

/** The bottom line: the prompt being typed, a question, a notice or error, or the main keys. */
export function StatusLine({ state, error, busy, width }: StatusLineProps) {
  let text: string;
  if (state.quitAsked) text = `${busy ? 'an apply or restore is running: ' : ''}quit anyway? y to quit, any other key to stay`;
  else if (state.prompt && state.prompt.kind !== 'confirm') text = `${PROMPTS[state.prompt.kind]}${state.prompt.text}▏ (Enter ok, Esc cancel)`;
  else if (state.notice !== null) text = state.notice;
  else if (error !== null) text = `error: ${error}`;
  else if (state.view === 'detail') text = 'Esc back · j/k next/previous · a apply · ? help · q quit';
  else if (state.view === 'progress') text = 'Esc back · r retry failed · R restore · ? help · q quit';
  else if (state.view === 'review') text = 'Esc back · ? help';
  else text = '? help · / filter · Enter detail · ←/→ region · t time · w window · a apply · q quit';
  return (
    <Text inverse wrap="truncate-end">
      {text.slice(0, width).padEnd(Math.min(width, Math.max(text.length, 1)))}
    </Text>
  );
}
