#!/usr/bin/env node
// The `evac` command. Runs the bundle that `npm ci` builds (dist/evac.cjs, see bin/bundle.js) when
// it is newer than every project file it was built from; otherwise the TypeScript sources through
// tsx, so edits need no build step and never run stale code.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUNDLE, BUNDLE_INPUTS, loadBundle, WRITE_CODE_CACHE } from './bundle.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}${BUNDLE}`;

/**
 * The latest modification time of the files the bundles were built from (the build lists them:
 * only those, not every file in src/ and cli/, ~1 ms less); Infinity when the list or one of
 * them is missing (an older build, a file deleted since).
 */
function newestInput() {
  try {
    let newest = 0;
    for (const file of JSON.parse(readFileSync(`${root}${BUNDLE_INPUTS}`, 'utf8'))) newest = Math.max(newest, statSync(`${root}${file}`).mtimeMs);
    return newest;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

const fresh = existsSync(bundle) && process.env.EVAC_FROM_SOURCE === undefined && statSync(bundle).mtimeMs >= newestInput();
let main;
if (fresh) {
  ({ main } = await loadBundle(process.argv[2]));
} else {
  const { register } = await import('tsx/esm/api');
  // The project's tsconfig wherever evac runs from (its JSX settings are needed by evac ui).
  register({ tsconfig: `${root}tsconfig.json` });
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
// The command is done: exit now rather than after V8 frees the heap (~15 ms after a large read),
// unless stdout or stderr still hold unwritten output, or the build's training run waits for
// 'beforeExit' to write the code cache (see bin/bundle.js). On the next turn of the event loop,
// so that a failed write to stdout has set its exit code (cli/io.ts).
if (process.env[WRITE_CODE_CACHE] === undefined) {
  setImmediate(() => {
    if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
  });
}
