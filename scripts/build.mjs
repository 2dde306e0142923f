// Bundles the CLI into dist/evac.mjs so that `evac` starts in a fraction of the time tsx needs.
// Runs on `npm ci` (the prepare script); bin/evac.js falls back to the TypeScript sources
// whenever they are newer than the bundle, so an edit never runs stale code.
import { build } from 'esbuild';

await build({
  entryPoints: ['cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: 'dist/evac.mjs',
  sourcemap: 'linked',
  logLevel: 'warning',
});
