// Bundles the CLI into dist/evac.mjs so that `evac` starts in a fraction of the time tsx needs.
// Runs on `npm ci` (the prepare script); bin/evac.js falls back to the TypeScript sources
// whenever they are newer than the bundle, so an edit never runs stale code.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });

await build({
  // Worker threads: big CSV tables on a second core (src/sources/parallel-scan.ts), OTLP span
  // files (src/sources/otlp/span-workers.ts); src/sources/worker-thread.ts finds them beside the bundle.
  entryPoints: { evac: 'cli/main.ts', 'scan-worker': 'src/sources/scan-worker.ts', 'otlp-worker': 'src/sources/otlp/span-worker.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Split chunks: what a command imports lazily (Ink and React for `evac ui`, the AWS SDK for
  // `--source aws`) loads only when that command runs.
  splitting: true,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  logLevel: 'warning',
});
