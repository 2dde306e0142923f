import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { CliIO } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `evac` in-process with captured output (fast; same code path as the binary). */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    now: () => Date.parse('2026-11-23T18:00:00Z') / 1000,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Runs the real `bin/evac.js` in a child process, as a user would. */
export function spawnCli(argv: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/evac.js'), ...argv], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
