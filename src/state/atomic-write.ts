import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { EvacError, EXIT } from '../errors.ts';
import { describeFsError, errorCode, inspectPath } from '../input-file.ts';

/**
 * Writes a file so that readers see the old content or the new, never a torn one:
 * write a temp file beside it, fsync, rename over the target, fsync the directory. `content`
 * may be a sequence of chunks (a generator), written as they come.
 *
 * @throws EvacError (exit 2) naming the file when it cannot be written (a directory in its
 * place, a parent that is a file, no permission, a full disk); the temp file is removed and
 * the old content, if any, is left as it was.
 */
export function writeFileAtomic(file: string, content: string | Iterable<string>): void {
  const target = inspectPath(file);
  if (target.kind === 'directory' || target.kind === 'other') {
    throw writeError(file, `is ${target.kind === 'directory' ? 'a directory' : target.what}: expected a file path to write`);
  }
  const dir = path.dirname(path.resolve(file));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw writeError(file, `cannot create its directory ${dir}: ${reason(error)}`, error);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      // Chunks (a big table written as it is formatted) are written one by one, never joined.
      if (typeof content === 'string') writeSync(fd, content);
      else for (const chunk of content) writeSync(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw writeError(file, reason(error), error);
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some filesystems cannot fsync a directory; the rename is still atomic.
  }
}

function reason(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EEXIST' || code === 'ENOTDIR') return 'a part of the path is a file: expected directories';
  return describeFsError(code, error).replace('expected a file or directory evac can read', 'expected a place evac can write');
}

function writeError(file: string, message: string, cause?: unknown): EvacError {
  return new EvacError(`cannot write ${file}: ${message}`, {
    exitCode: EXIT.badInput,
    hint: 'choose another path (--out, --out-dir, --state-dir)',
    ...(cause === undefined ? {} : { cause }),
  });
}
