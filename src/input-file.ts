import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import type { InputIssue, Result } from './errors.ts';

/**
 * The largest file read into one string. V8 caps a string at 2^29 - 24 UTF-16 units (about
 * 512 MiB), and a UTF-8 file never has more characters than bytes, so this many bytes always fit.
 */
export const MAX_TEXT_BYTES = 2 ** 29 - 24;

/** Plans, snapshots and reports are JSON files of a few MiB at most; 256 MiB is a generous bound. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** What is at a path the user named (links followed); `broken` holds why it cannot be used. */
export type PathState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'file'; readonly size: number }
  | { readonly kind: 'directory' }
  | { readonly kind: 'other'; readonly what: string }
  | { readonly kind: 'broken'; readonly message: string };

/**
 * Looks at a path without reading it. A dangling link or a link loop is `broken`, not absent:
 * "treated as missing" would silently drop an optional file the user meant to give.
 */
export function inspectPath(file: string): PathState {
  let link: boolean;
  try {
    link = lstatSync(file).isSymbolicLink();
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'broken', message: describeFsError(code, error) };
  }
  try {
    const stat = statSync(file);
    if (stat.isFile()) return { kind: 'file', size: stat.size };
    if (stat.isDirectory()) return { kind: 'directory' };
    return { kind: 'other', what: stat.isFIFO() ? 'a named pipe (FIFO)' : stat.isSocket() ? 'a socket' : 'a device' };
  } catch (error) {
    const code = errorCode(error);
    if (link && code === 'ENOENT')
      return { kind: 'broken', message: `dangling symbolic link (to ${safeReadlink(file)}): expected it to point to an existing file` };
    return { kind: 'broken', message: describeFsError(code, error) };
  }
}

export interface ReadTextOptions {
  /** Absent is fine: the result is null. A broken link is still an error. */
  readonly optional?: boolean;
  /** The message for a missing file (default "file not found"). */
  readonly notFound?: string;
  /** What to do instead when the file is too big to read at once. */
  readonly tooBigHint?: string;
  /** Default MAX_TEXT_BYTES. */
  readonly maxBytes?: number;
}

/**
 * Reads a regular text file the user named, never throwing on what is found there: missing,
 * a directory, a FIFO (which would block forever), a broken link, no permission, or too big for
 * one string are each an issue naming the file. The size is checked before any byte is read.
 */
export function readTextFile(file: string, options: ReadTextOptions = {}): Result<string | null> {
  const fail = (message: string): Result<string | null> => ({ ok: false, issues: [{ file, message }] });
  const state = inspectPath(file);
  switch (state.kind) {
    case 'absent':
      return options.optional ? { ok: true, data: null } : fail(options.notFound ?? 'file not found');
    case 'directory':
      return fail('is a directory: expected a file');
    case 'other':
      return fail(`is ${state.what}: expected a regular file`);
    case 'broken':
      return fail(state.message);
    case 'file': {
      const max = options.maxBytes ?? MAX_TEXT_BYTES;
      if (state.size > max) {
        return fail(
          `is ${formatBytes(state.size)}: expected at most ${formatBytes(max)} (a file is read as one string)${options.tooBigHint ? `; ${options.tooBigHint}` : ''}`,
        );
      }
      try {
        return { ok: true, data: readFileSync(file, 'utf8') };
      } catch (error) {
        return fail(describeFsError(errorCode(error), error));
      }
    }
  }
}

/** Like readTextFile for a file that must exist: the text, or the issues. */
export function readRequiredText(file: string, options: Omit<ReadTextOptions, 'optional'> = {}): Result<string> {
  const r = readTextFile(file, options);
  if (!r.ok) return r;
  return r.data === null ? { ok: false, issues: [{ file, message: options.notFound ?? 'file not found' }] } : { ok: true, data: r.data };
}

/**
 * Lists a directory the user named. `optional`: absent gives an empty list. A file, a broken
 * link or an unreadable directory is an issue.
 */
export function listDirectory(dir: string, options: { readonly optional?: boolean; readonly notFound?: string } = {}): Result<string[]> {
  const fail = (message: string): Result<string[]> => ({ ok: false, issues: [{ file: dir, message }] });
  const state = inspectPath(dir);
  switch (state.kind) {
    case 'absent':
      return options.optional ? { ok: true, data: [] } : fail(options.notFound ?? 'directory not found');
    case 'file':
    case 'other':
      return fail(`is ${state.kind === 'file' ? 'a file' : state.what}: expected a directory`);
    case 'broken':
      return fail(state.message);
    case 'directory':
      try {
        return { ok: true, data: readdirSync(dir) };
      } catch (error) {
        return fail(describeFsError(errorCode(error), error));
      }
  }
}

/** One issue per problem with a directory the user named (absent counts). */
export function directoryIssues(dir: string, notFound: string): InputIssue[] {
  const state = inspectPath(dir);
  if (state.kind === 'directory') return [];
  if (state.kind === 'absent') return [{ file: dir, message: notFound }];
  if (state.kind === 'broken') return [{ file: dir, message: state.message }];
  return [{ file: dir, message: `is ${state.kind === 'file' ? 'a file' : state.what}: expected a directory` }];
}

/** A file-system error as a reason a user can act on. */
export function describeFsError(code: string | undefined, error: unknown): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: expected a file or directory evac can read (check its mode and owner)';
    case 'ELOOP':
      return 'symbolic link loop: expected a link that ends at a file';
    case 'EISDIR':
      return 'is a directory: expected a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOENT':
      return 'not found';
    default:
      return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function safeReadlink(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return '?';
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`;
}
