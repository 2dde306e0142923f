import { execFileSync } from 'node:child_process';

/** A real terminal: one tmux server of its own (its own socket) running one command. */
export class TmuxSession {
  private readonly socket: string;
  readonly name = 'evac';

  constructor(
    command: string,
    options: { readonly columns: number; readonly rows: number; readonly cwd: string; readonly env?: Readonly<Record<string, string>> },
  ) {
    this.socket = `evac-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const env = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // The shell stays after the command so its exit code can be read from the pane.
    const script = `${command}; echo "EXIT=$?"; sleep 600`;
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(options.columns), '-y', String(options.rows), '-c', options.cwd, ...env, script);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** Types `keys` in one write (tmux send-keys -l), as a user typing ahead over SSH would. */
  type(keys: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', keys);
  }

  /** Presses named keys (Enter, Escape, PageDown, Right...), each its own write. */
  press(...keys: string[]): void {
    for (const k of keys) this.tmux('send-keys', '-t', this.name, k);
  }

  /** The screen as text. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** Waits until the screen shows `text` (or a match of the pattern), then returns it. */
  async waitFor(text: string | RegExp, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(text)}:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
