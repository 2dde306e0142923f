// Loads the CLI bundle (dist/evac.cjs, built by scripts/build.mjs) with V8's code cache, so that
// a run does not compile the bundle's ~1.6 MB of JavaScript again (about 35 ms of every start on
// the machine of the README's Performance section). Node 20 gives a code cache only to classic
// scripts (vm.Script), hence the CommonJS bundle. A cache that does not match this Node and this
// bundle is rejected by V8 and the code compiles as usual: the cache changes speed, never behaviour.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The bundle, relative to the project root (scripts/build.mjs writes it). */
export const BUNDLE = 'dist/evac.cjs';
/** The same CLI as ES modules, for `evac ui` (Ink is an ES module with top-level await, which a
 * CommonJS bundle cannot require). */
export const ESM_BUNDLE = 'dist/evac.mjs';
/** The project's files the bundles were built from, relative to the root: a JSON array (see bin/evac.js). */
export const BUNDLE_INPUTS = 'dist/inputs.json';
/** Its code cache, beside it. */
export const CODE_CACHE = `${BUNDLE}.cache`;
/** Set (to anything) by the build's training run: write the code cache when the command ends. */
export const WRITE_CODE_CACHE = 'EVAC_WRITE_CODE_CACHE';

/** The bundle's exports (`main`) for a command: `evac ui` from the ES modules, any other from the
 * CommonJS bundle, compiled with the code cache where V8 accepts it. */
export async function loadBundle(command) {
  if (command === 'ui') return import(pathToFileURL(path.join(root, ESM_BUNDLE)).href);
  const script = bundleScript();
  const module = { exports: {} };
  const file = path.join(root, BUNDLE);
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  if (process.env[WRITE_CODE_CACHE] !== undefined) {
    // After the command, so the cache holds every function it compiled.
    process.once('beforeExit', () => {
      const cacheFile = path.join(root, CODE_CACHE);
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    });
  }
  return module.exports;
}

/** The bundle as a classic script taking CommonJS's arguments, with its code cache if there is one
 * (`cachedDataRejected` says whether V8 took it). */
export function bundleScript() {
  const file = path.join(root, BUNDLE);
  let cachedData;
  try {
    cachedData = readFileSync(path.join(root, CODE_CACHE));
  } catch {
    cachedData = undefined; // no cache (not built yet, or the training run failed): compile
  }
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file, cachedData });
}
