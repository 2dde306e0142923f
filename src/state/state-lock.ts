import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { EvacError, EXIT } from '../errors.ts';
import { errorCode } from '../input-file.ts';

/** Who holds the lock: written whole, before the lock file appears. */
export interface LockHolder {
  readonly token: string;
  readonly host: string;
  readonly pid: number;
  readonly what: string;
  readonly since: string;
}

export interface LockOptions {
  /** How often the holder touches the lock file. Default 10 s. */
  readonly heartbeatMs?: number;
  /** A lock whose holder cannot be checked (another host) is dead after this long without a heartbeat. Default 60 s. */
  readonly staleMs?: number;
}

export const LOCK_HEARTBEAT_MS = 10_000;
export const LOCK_STALE_MS = 60_000;
/** A `lock.break` older than this was left by a process that died while breaking a lock. */
const BREAK_STALE_MS = 10_000;

/**
 * Holds `<state-dir>/lock` while apply or restore runs, so two of them never interleave their
 * snapshots and calls. Returns the release function.
 *
 * - Taking it is one atomic step: the holder record (token, host, pid) is written to a temp file
 *   which is then hard-linked to `lock`; the link fails if a lock exists, so the lock is never
 *   seen empty or half-written.
 * - The holder touches the file every `heartbeatMs` (10 s) while it runs.
 * - A lock is dead when its holder is on this host and its pid is gone, or, when that cannot be
 *   checked (another host, or an unreadable record), when its heartbeat is older than `staleMs`
 *   (60 s). A dead lock is broken under `lock.break` (also taken with O_EXCL) after checking it
 *   is still the same lock, so two processes never both break and take it.
 * - Release deletes the lock only if it still holds this process's token.
 *
 * @throws EvacError (exit 4) when a live holder has it.
 */
export function acquireStateLock(stateDir: string, what: string, options: LockOptions = {}): () => void {
  const heartbeatMs = options.heartbeatMs ?? LOCK_HEARTBEAT_MS;
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  mkdirSync(stateDir, { recursive: true });
  const file = lockFile(stateDir);
  const me: LockHolder = { token: randomUUID(), host: hostname(), pid: process.pid, what, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, me)) return holdWithHeartbeat(file, me.token, heartbeatMs);
    const seen = readLock(file);
    if (seen === undefined) continue; // released in between: try again
    if (!isDead(seen, staleMs)) throw heldError(file, stateDir, seen);
    breakLock(file, seen);
  }
  throw new EvacError(`could not take the lock ${file}: other processes keep taking it`, {
    exitCode: EXIT.refused,
    hint: `wait and run again; if no evac is running, delete ${file}`,
  });
}

export function lockFile(stateDir: string): string {
  return path.join(stateDir, 'lock');
}

/** What a lock file holds and when it was last touched; undefined when there is none. */
export function readLock(file: string): { holder: LockHolder | undefined; raw: string; mtimeMs: number } | undefined {
  try {
    const mtimeMs = statSync(file).mtimeMs;
    const raw = readFileSync(file, 'utf8');
    return { holder: parseHolder(raw), raw, mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function tryCreate(file: string, me: LockHolder): boolean {
  const tmp = `${file}.${me.token}.tmp`;
  writeFileSync(tmp, JSON.stringify(me), { mode: 0o644 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function holdWithHeartbeat(file: string, token: string, heartbeatMs: number): () => void {
  const timer = setInterval(() => {
    try {
      if (readLock(file)?.holder?.token === token) {
        const now = new Date();
        utimesSync(file, now, now);
      }
    } catch {
      // A missed beat is retried; the lock only goes stale after several.
    }
  }, heartbeatMs);
  timer.unref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    // Never delete a lock that is no longer ours (it was broken and someone else holds it now).
    if (readLock(file)?.holder?.token === token) rmSync(file, { force: true });
  };
}

function isDead(seen: NonNullable<ReturnType<typeof readLock>>, staleMs: number): boolean {
  const { holder } = seen;
  if (holder && holder.host === hostname()) return !isAlive(holder.pid);
  return Date.now() - seen.mtimeMs > staleMs;
}

/** Removes a dead lock, unless it changed since it was judged dead. */
function breakLock(file: string, seen: NonNullable<ReturnType<typeof readLock>>): void {
  const breaker = `${file}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx', 0o644);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(breaker).mtimeMs > BREAK_STALE_MS) rmSync(breaker, { force: true });
    } catch {
      // Gone already.
    }
    sleepMs(20);
    return;
  }
  try {
    writeSync(fd, JSON.stringify({ host: hostname(), pid: process.pid }));
    const now = readLock(file);
    if (now && now.raw === seen.raw && now.mtimeMs === seen.mtimeMs) rmSync(file, { force: true });
  } finally {
    closeSync(fd);
    rmSync(breaker, { force: true });
  }
}

function heldError(file: string, stateDir: string, seen: NonNullable<ReturnType<typeof readLock>>): EvacError {
  const h = seen.holder;
  const beat = new Date(seen.mtimeMs).toISOString();
  const who = h ? `${h.what}, pid ${h.pid} on ${h.host}, since ${h.since}, last heartbeat ${beat}` : `unreadable lock record, last touched ${beat}`;
  return new EvacError(`another evac (${who}) is working on ${stateDir}`, {
    exitCode: EXIT.refused,
    hint:
      h && h.host !== hostname()
        ? `wait for it to finish; it is taken over ${LOCK_STALE_MS / 1000} s after its last heartbeat`
        : `wait for it to finish; if no evac is running, delete ${file}`,
  });
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const p = JSON.parse(raw) as Partial<Record<keyof LockHolder, unknown>>;
    if (typeof p.token !== 'string' || typeof p.host !== 'string' || typeof p.pid !== 'number') return undefined;
    return { token: p.token, host: p.host, pid: p.pid, what: String(p.what), since: String(p.since) };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
