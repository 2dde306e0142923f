// A real process contending for the state lock (run with tsx by test/state/state-lock.test.ts):
// waits for GO_FILE, then tries ROUNDS times to take the lock; each time it holds it, it writes
// "enter PID" and "leave PID" to LOG_FILE around a short pause. Prints how often it got it.
import { appendFileSync, existsSync } from 'node:fs';
import { EvacError } from '../../src/errors.ts';
import { acquireStateLock } from '../../src/state/state-lock.ts';

const [stateDir, logFile, rounds, goFile] = process.argv.slice(2) as [string, string, string, string];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
while (!existsSync(goFile)) await pause(5);
let held = 0;
for (let i = 0; i < Number(rounds); i++) {
  let release: () => void;
  try {
    release = acquireStateLock(stateDir, 'apply');
  } catch (error) {
    if (error instanceof EvacError && error.exitCode === 4) {
      await pause(Math.random() * 5);
      continue;
    }
    throw error;
  }
  held += 1;
  appendFileSync(logFile, `enter ${process.pid}\n`);
  await pause(2);
  appendFileSync(logFile, `leave ${process.pid}\n`);
  release();
  await pause(Math.random() * 3);
}
process.stdout.write(`${held}\n`);
