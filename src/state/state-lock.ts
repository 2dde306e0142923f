import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { EvacError } from '../errors.ts';

/**
 * Holds `<state-dir>/lock` while apply or restore runs, so two of them never interleave
 * their snapshots and calls. A lock left by a process that died is taken over.
 *
 * @throws EvacError (exit 4) when a live process holds it.
 */
export function acquireStateLock(stateDir: string, what: string): () => void {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && isAlive(holder.pid)) {
        throw new EvacError(`another evac (${holder.what}, pid ${holder.pid}, since ${holder.since}) is working on ${stateDir}`, {
          exitCode: 4,
          hint: `wait for it to finish; if no evac is running, delete ${file}`,
        });
      }
      rmSync(file, { force: true });
    }
  }
  throw new EvacError(`could not take the lock ${file}`, { exitCode: 4, hint: `if no evac is running, delete ${file}` });
}

function readHolder(file: string): { pid: number; what: string; since: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; what?: unknown; since?: unknown };
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, what: String(parsed.what), since: String(parsed.since) } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
