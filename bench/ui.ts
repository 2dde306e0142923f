/**
 * Keypress-to-frame time of the incident cockpit with a 2,000-service plan (the target:
 * under 50 ms): renders `EvacuationApp` with ink-testing-library at 160x50, writes a key to its
 * stdin and times until the next frame is written. Run with `npx tsx bench/ui.ts`.
 */
import os from 'node:os';
import { median, quantile } from 'simple-statistics';

const SERVICES = 2000;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);

async function nextFrame(frames: readonly string[], before: number, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (frames.length === before) {
    if (performance.now() > deadline) throw new Error('no frame');
    await new Promise((r) => setImmediate(r));
  }
}

export async function benchUi(): Promise<void> {
  // As `evac ui` runs: React's production build (set before React loads).
  process.env.NODE_ENV ??= 'production';
  const [{ createElement }, { EvacuationApp }, { cockpitPlan, FIXED_NOW, fakeActions, fakePlanner, renderAt }] = await Promise.all([
    import('react'),
    import('../cli/ui/EvacuationApp.tsx'),
    import('../test/support/cockpit-fakes.ts'),
  ]);
  const plan = cockpitPlan(SERVICES);
  const props = {
    failedRegions: ['us-west-2', 'us-east-1'],
    initialFailed: 'us-west-2',
    initialAt: Date.parse(plan.at) / 1000,
    initialPlan: plan,
    planner: fakePlanner(() => plan),
    actions: fakeActions(),
    sourceLabel: 'bench',
    color: true,
    size: { columns: 160, rows: 50 },
    now: () => FIXED_NOW,
  };
  const app = renderAt(createElement(EvacuationApp, props), 160);
  await new Promise((r) => setTimeout(r, 200));
  const keys: [string, string][] = [
    ['j (next row)', 'j'],
    ['PageDown', '\u001B[6~'],
    ['s (re-sort 2,000 rows)', 's'],
    ['Enter then Esc (detail)', '\r'],
  ];
  console.log(
    `evac ui, keypress to frame, ${SERVICES} services at 160x50, ${RUNS} presses each (${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}, Node ${process.version}, NODE_ENV=${process.env.NODE_ENV}):`,
  );
  for (const [name, key] of keys) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = app.frames.length;
      const start = performance.now();
      app.stdin.write(key);
      await nextFrame(app.frames, before);
      times.push(performance.now() - start);
      if (key === '\r') {
        const b = app.frames.length;
        app.stdin.write('\u001B');
        await nextFrame(app.frames, b);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    console.log(
      `  ${name.padEnd(26)} median ${median(times).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
    );
  }
  app.unmount();
}

if (import.meta.url === `file://${process.argv[1]}`) await benchUi();
