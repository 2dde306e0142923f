import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../support/run-cli.ts';

interface PipedRun {
  readonly code: number;
  readonly head: string;
  readonly stderr: string;
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * Runs the real `bin/evac.js` (on the fixtures) with stdout piped into `head -c 10`, which
 * closes the pipe after 10 bytes; `code` is evac's own exit status (PIPESTATUS), not head's.
 */
function pipedToHead(argv: readonly string[]): PipedRun {
  const dir = mkdtempSync(path.join(tmpdir(), 'evac-pipe-'));
  const evac = [process.execPath, path.join(ROOT, 'bin/evac.js'), ...argv].map(quote).join(' ');
  const r = spawnSync('bash', ['-c', `${evac} 2>"$DIR/err" | head -c 10 >"$DIR/out"; exit "\${PIPESTATUS[0]}"`], {
    cwd: ROOT,
    env: { ...process.env, DIR: dir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, head: readFileSync(path.join(dir, 'out'), 'utf8'), stderr: readFileSync(path.join(dir, 'err'), 'utf8') };
}

// Each output is larger than a pipe's buffer (64 KiB), so evac is still writing when head exits.
describe('a reader that closes the pipe early (evac ... | head)', () => {
  test('plan ends quietly with exit 0: no EPIPE stack trace', () => {
    const r = pipedToHead(['plan', '--failed', 'us-west-2', '--at', '2026-11-23T18:00:00Z', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.head).toBe('{\n  "schem');
  });

  test('schema ends quietly with exit 0', () => {
    const r = pipedToHead(['schema']);
    expect(r.head).toHaveLength(10);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('report keeps its own exit code (3: the fixtures are not ready), with nothing but its warnings on stderr', () => {
    const r = pipedToHead(['report', '--failed', 'us-west-2', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });
});

describe('standard output that cannot be written', () => {
  test('a full device (/dev/full) is said once on stderr, exit 2, no stack trace', () => {
    const r = spawnSync('bash', ['-c', `${[process.execPath, path.join(ROOT, 'bin/evac.js'), 'schema'].map(quote).join(' ')} > /dev/full`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('evac: cannot write to standard output: ENOSPC: no space left on device, write\n');
  });
});
