import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { colorWanted } from '../../cli/commands/ui.ts';
import type { CliIO } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';
import { KEY_HELP } from '../../cli/ui/key-help.ts';
import { runCli } from '../support/run-cli.ts';
import { writeWorld } from '../support/small-world.ts';

/** An in-process terminal: both ends TTYs, output captured. */
async function runInTerminal(argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const io: CliIO = {
    stdout: { write: (t: string) => (stdout += t), isTTY: true, columns: 80 },
    stderr: { write: (t: string) => (stderr += t) },
    stdin,
    env: {},
    now: () => Date.parse('2026-11-23T18:00:00Z') / 1000,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('evac ui', () => {
  test('refuses to run without a terminal and points to evac plan', async () => {
    const r = await runCli(['ui']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('evac ui needs an interactive terminal');
    expect(r.stderr).toContain('evac plan --format');
  });

  test('colours risk only on a terminal and without NO_COLOR', () => {
    const io = (isTTY: boolean, env: Record<string, string>): CliIO => ({
      stdout: { write: () => true, isTTY },
      stderr: { write: () => true },
      env,
      now: () => 0,
    });
    expect(colorWanted(io(true, {}))).toBe(true);
    expect(colorWanted(io(true, { NO_COLOR: '1' }))).toBe(false);
    expect(colorWanted(io(true, { NO_COLOR: '' }))).toBe(true);
    expect(colorWanted(io(false, {}))).toBe(false);
  });

  test('--help lists every key', async () => {
    const r = await runCli(['ui', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Keys:');
    for (const [key] of KEY_HELP) expect(r.stdout).toContain(key);
  });

  test('exits 2 before the UI opens on bad data, with the message of evac plan', async () => {
    const w = writeWorld({ 'data/device-traffic.csv': 'timestamp,region,device_type,requests\nyesterday,us-east-1,ios,5\n' });
    const args = ['--config', w.configDir, '--data', w.dataDir, '--failed', 'us-west-2', '--at', '2026-11-23T10:30:00Z'];
    const plan = await runCli(['plan', ...args]);
    const ui = await runInTerminal(['ui', ...args]);
    expect(plan.code).toBe(2);
    expect(ui.code).toBe(2);
    expect(ui.stderr).toBe(plan.stderr);
    expect(ui.stdout).not.toContain('NOT READY');
  });
});
