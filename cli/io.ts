/** Where a command writes and what it knows of its environment; tests pass their own. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown };
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Current time, epoch seconds. */
  readonly now: () => number;
}

/** Exit code when standard output cannot be written (a full disk, an I/O error): the output is lost. */
export const EXIT_OUTPUT_LOST = 2;

export function processIO(): CliIO {
  return { stdout: guardedStdout(), stderr: guardedStderr(), stdin: process.stdin, env: process.env, now: () => Date.now() / 1000 };
}

/**
 * process.stdout, safe for a reader that goes away (`evac plan | head -1`). A closed pipe
 * (EPIPE) ends the output quietly, as in standard Unix tools, but without the SIGPIPE death:
 * later writes are dropped, the command runs to its end and exits with its own code (0, or 3
 * for a failed report gate), so `set -o pipefail` scripts see what the command concluded. Any
 * other write error (a full disk) is said once on stderr and the process exits 2: the
 * output is lost. Without a listener Node throws both from an 'error' event (a stack trace).
 */
function guardedStdout(): CliIO['stdout'] {
  const out = process.stdout;
  let closed = false;
  out.on('error', (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (error.code === 'EPIPE') return;
    process.stderr.write(`evac: cannot write to standard output: ${error.message}\n`);
    process.exitCode = EXIT_OUTPUT_LOST;
    // The command may still be running: its own exit code is set later, so win at exit.
    process.once('exit', () => {
      process.exitCode = EXIT_OUTPUT_LOST;
    });
  });
  return {
    write: (text: string) => (closed ? false : out.write(text)),
    get isTTY() {
      return out.isTTY;
    },
    get columns() {
      return out.columns;
    },
  };
}

/** process.stderr; a closed one (`2>&1 | head`) is ignored: there is nowhere left to say it. */
function guardedStderr(): CliIO['stderr'] {
  const err = process.stderr;
  let closed = false;
  err.on('error', () => {
    closed = true;
  });
  return { write: (text: string) => (closed ? false : err.write(text)) };
}
