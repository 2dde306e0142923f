import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { EvacError } from '../../src/errors.ts';
import { acquireStateLock, lockFile, readLock } from '../../src/state/state-lock.ts';
import { ROOT } from '../support/run-cli.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'evac-lock-'));

/** A pid that is not running: a child that has exited and been reaped. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
}

function held(stateDir: string): EvacError {
  try {
    acquireStateLock(stateDir, 'apply');
  } catch (error) {
    if (error instanceof EvacError) return error;
    throw error;
  }
  throw new Error('expected the lock to be held');
}

function ageLock(file: string, seconds: number): void {
  const t = new Date(Date.now() - seconds * 1000);
  utimesSync(file, t, t);
}

describe('acquireStateLock', () => {
  test('is never held by two processes at once (four real processes racing)', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'log');
    const go = path.join(dir, 'go');
    writeFileSync(log, '');
    const runs = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/lock-contender.ts'), path.join(dir, 'state'), log, '40', go], {
        cwd: ROOT,
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
    });
    // Start them together, once every process is up (each polls for the go file).
    setTimeout(() => writeFileSync(go, ''), 3000);
    const results = await Promise.all(runs);
    for (const r of results) expect(r, r.err).toMatchObject({ code: 0 });
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const total = results.reduce((n, r) => n + Number(r.out.trim()), 0);
    expect(lines.length).toBe(2 * total);
    expect(total).toBeGreaterThan(0);
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, leave] = [lines[i] as string, lines[i + 1] as string];
      expect(enter).toMatch(/^enter \d+$/);
      expect(leave).toBe(enter.replace('enter', 'leave'));
    }
    expect(readdirSync(path.join(dir, 'state'))).toEqual([]);
  }, 60_000);

  test('refuses while a live process of this host holds it, naming it', () => {
    const dir = tempDir();
    const release = acquireStateLock(dir, 'restore');
    const error = held(dir);
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(
      new RegExp(`another evac \\(restore, pid ${process.pid} on ${hostname()}, since .*, last heartbeat .*\\) is working on ${dir}`),
    );
    release();
    acquireStateLock(dir, 'apply')();
  });

  test('takes over a lock whose holder on this host has died', () => {
    const dir = tempDir();
    writeFileSync(lockFile(dir), JSON.stringify({ token: 'old', host: hostname(), pid: deadPid(), what: 'apply', since: '2026-11-23T10:00:00Z' }));
    const release = acquireStateLock(dir, 'apply');
    expect(readLock(lockFile(dir))?.holder?.pid).toBe(process.pid);
    release();
  });

  test('treats a lock from another host as live while its heartbeat is fresh, and as dead after', () => {
    const dir = tempDir();
    const file = lockFile(dir);
    // Its pid is not running here, but on another host that says nothing: only the heartbeat counts.
    writeFileSync(file, JSON.stringify({ token: 'remote', host: 'other-host.example', pid: deadPid(), what: 'apply', since: '2026-11-23T10:00:00Z' }));
    expect(held(dir).message).toContain('pid');
    expect(held(dir).message).toContain('on other-host.example');
    expect(held(dir).options.hint).toContain('taken over 60 s after its last heartbeat');
    ageLock(file, 61);
    const release = acquireStateLock(dir, 'apply');
    expect(readLock(file)?.holder?.host).toBe(hostname());
    release();
  });

  test('an empty or unreadable lock file is held until its heartbeat is stale', () => {
    const dir = tempDir();
    const file = lockFile(dir);
    writeFileSync(file, '');
    expect(held(dir).message).toContain('unreadable lock record');
    ageLock(file, 120);
    acquireStateLock(dir, 'apply')();
  });

  test('the holder keeps its heartbeat fresh', async () => {
    const dir = tempDir();
    const file = lockFile(dir);
    const release = acquireStateLock(dir, 'apply', { heartbeatMs: 20 });
    ageLock(file, 300);
    await new Promise((r) => setTimeout(r, 200));
    expect(Date.now() - (readLock(file)?.mtimeMs ?? 0)).toBeLessThan(5_000);
    release();
  });

  test("release never deletes someone else's lock", () => {
    const dir = tempDir();
    const file = lockFile(dir);
    const release = acquireStateLock(dir, 'apply');
    const theirs = JSON.stringify({ token: 'theirs', host: hostname(), pid: process.pid, what: 'apply', since: '2026-11-23T10:00:00Z' });
    writeFileSync(file, theirs);
    release();
    expect(readFileSync(file, 'utf8')).toBe(theirs);
  });
});
