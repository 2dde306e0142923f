/** `npm run bench`: every benchmark in bench/, one after the other. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { benchBacktest } from './backtest.ts';
import { benchOtlp } from './otlp.ts';
import { benchPlan } from './plan.ts';
import { benchUi } from './ui.ts';

await benchPlan();
console.log('');
await benchBacktest();
await benchOtlp();
console.log('');
await benchUi();
console.log('');
// The AWS benchmark parses its own flags (see its header); run it as `npm run bench:aws -- --help`-style alone too.
const aws = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'aws-apply.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = aws.status ?? 1;
