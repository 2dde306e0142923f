import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../config/json-file.ts';
import { EvacError, EXIT } from '../errors.ts';

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
          exitCode: EXIT.refused,
          hint: `wait for it to finish; if no evac is running, delete ${file}`,
        });
      }
      rmSync(file, { force: true });
    }
  }
  throw new EvacError(`could not take the lock ${file}`, { exitCode: EXIT.refused, hint: `if no evac is running, delete ${file}` });
}

/** What `<state-dir>/lock` holds. */
const LockHolderSchema = z.object({ pid: z.number().int(), what: z.string(), since: z.string() });

/** The holder of the lock; undefined when the file is gone or unreadable (taken over then). */
function readHolder(file: string): z.infer<typeof LockHolderSchema> | undefined {
  const read = readJsonFile(file, LockHolderSchema);
  return read.ok ? read.data : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
