// Bundles the CLI into dist/evac.cjs, with a V8 code cache beside it, so that `evac` starts in a
// fraction of the time tsx needs. Runs on `npm ci` (the prepare script); bin/evac.js falls back to
// the TypeScript sources whenever a file the bundle was built from (dist/inputs.json lists them)
// is newer than the bundle, so an edit never runs stale code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLE, BUNDLE_INPUTS, CODE_CACHE, WRITE_CODE_CACHE } from '../bin/bundle.js';

/**
 * Packages left to Node's resolver: native code (DuckDB), and what loads only for one command
 * (Ink and React for `evac ui`, the AWS SDK for `--source aws`, danfo for `evac report`), each
 * loaded when that command runs. The small pure-JS packages every run loads (zod, yaml,
 * simple-statistics, asciichart) are bundled in: one file compiles faster than their many modules
 * resolved one by one, and its compiled code is cached (the README's Performance section).
 */
const EXTERNAL = ['@aws-sdk/*', '@smithy/*', '@duckdb/*', 'danfojs-node', '@tensorflow/*', 'ink', 'react', 'react/*', 'tsx', 'tsx/*'];

/** yaml is CommonJS: its require() of Node's built-ins needs a real require in an ES module. */
const REQUIRE_IN_ESM = "import { createRequire as __evacRequire } from 'node:module'; const require = __evacRequire(import.meta.url);";

/**
 * simple-statistics from its ES module sources, each marked free of side effects, instead of its
 * one-file build: the bundles then hold `median` and what it uses, not the whole library, whose
 * module body (tables it computes, ~100 functions) ran at every start (~3 ms).
 */
const simpleStatisticsDir = path.dirname(createRequire(import.meta.url).resolve('simple-statistics/package.json'));
const SIMPLE_STATISTICS_SOURCES = {
  name: 'simple-statistics-sources',
  setup(b) {
    b.onResolve({ filter: /^simple-statistics$/ }, () => ({ path: path.join(simpleStatisticsDir, 'index.js'), sideEffects: false }));
    b.onResolve({ filter: /^\./ }, (args) =>
      args.importer.startsWith(`${simpleStatisticsDir}${path.sep}`) ? { path: path.join(path.dirname(args.importer), args.path), sideEffects: false } : undefined,
    );
  },
};

const COMMON = { bundle: true, platform: 'node', target: 'node20', external: EXTERNAL, sourcemap: 'linked', logLevel: 'warning', metafile: true, plugins: [SIMPLE_STATISTICS_SOURCES] };

rmSync('dist', { recursive: true, force: true });

// The CLI: one CommonJS file, because only a classic script can be given V8's code cache on
// Node 20 (bin/bundle.js loads it through vm.Script). Its import.meta.url (which finds the worker
// scripts beside it) becomes the bundle's own URL.
const cli = await build({
  ...COMMON,
  entryPoints: ['cli/main.ts'],
  format: 'cjs',
  outfile: BUNDLE,
  define: { 'import.meta.url': '__evacBundleUrl' },
  // import() of a package becomes require(): code from V8's code cache has no dynamic import on
  // Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and every package this bundle loads lazily
  // (danfo, the AWS SDK, DuckDB) is CommonJS.
  supported: { 'dynamic-import': false },
  banner: { js: "const __evacBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// `evac ui`: the same CLI as ES modules, because Ink is an ES module with top-level await, which a
// CommonJS bundle cannot require. Split chunks: Ink, React and the UI load only when it starts.
const ui = await build({
  ...COMMON,
  entryPoints: { evac: 'cli/main.ts' },
  format: 'esm',
  splitting: true,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  banner: { js: REQUIRE_IN_ESM },
});

// Worker threads: big CSV tables on a second core (src/sources/parallel-scan.ts), OTLP span
// files (src/sources/otlp/span-workers.ts); src/sources/worker-thread.ts finds them beside the bundle.
// The scan worker is CommonJS: a thread starts a CommonJS script ~6 ms sooner than an ES module
// (measured on the machine of the README's Performance section: 29 against 37 ms, median of 10),
// and `evac plan` of a big data set waits for that thread's part.
const scanWorker = await build({
  ...COMMON,
  entryPoints: { 'scan-worker': 'src/sources/scan-worker.ts' },
  format: 'cjs',
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__evacBundleUrl' },
  banner: { js: "const __evacBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const otlpWorker = await build({
  ...COMMON,
  entryPoints: { 'otlp-worker': 'src/sources/otlp/span-worker.ts' },
  format: 'esm',
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  banner: { js: REQUIRE_IN_ESM },
});
const workers = [scanWorker, otlpWorker];

// Every script in ASCII: esbuild escapes the other characters of strings and names, not of the
// comments it keeps, and one such character (an em dash in a comment of zod's) makes Node read
// the whole 1.7 MB bundle as a two-byte string (twice the memory; reading it and compiling its
// functions lazily both slower, ~5 ms of every start). In a comment an escape changes nothing.
for (const file of [cli, ui, ...workers].flatMap((result) => Object.keys(result.metafile.outputs)).filter((f) => /\.[cm]js$/.test(f))) {
  const text = readFileSync(file, 'utf8');
  if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

// The project's files the bundles were built from (the packages' aside: `npm ci` rebuilds), so
// that bin/evac.js runs the TypeScript sources as soon as one of them is newer than the bundle.
// A file no bundle includes (a test, a new file nothing imports yet) cannot make it stale.
const inputs = [cli, ui, ...workers].flatMap((result) => Object.keys(result.metafile.inputs)).filter((file) => !file.startsWith('..') && !file.includes('node_modules/'));
writeFileSync(BUNDLE_INPUTS, `${JSON.stringify([...new Set(inputs)].sort())}\n`);

// The code cache: V8's compiled code of every function a plan on the fixtures runs, written by
// that plan itself. A cache that a later Node rejects costs nothing but the time it would save.
const training = spawnSync(process.execPath, ['bin/evac.js', 'plan', '--failed', 'us-west-2', '--at', '2026-11-23T18:00:00Z', '--config', 'metrics-config', '--data', 'fixtures', '--format', 'json'], {
  env: { ...process.env, [WRITE_CODE_CACHE]: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (training.status !== 0 || !existsSync(CODE_CACHE)) {
  const why = training.status === 0 ? 'ran from the TypeScript sources, newer than the bundle' : `exited ${training.status ?? training.signal}`;
  console.warn(`build: no code cache (the training plan ${why}); evac runs, only starts slower`);
  rmSync(CODE_CACHE, { force: true });
}
