import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { beforeAll, describe, expect, test } from 'vitest';
import { EvacuationApp } from '../../cli/ui/EvacuationApp.tsx';
import { PlanBrowser } from '../../cli/ui/PlanBrowser.tsx';
import { orderEntries } from '../../cli/ui/plan-order.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { unwrap } from '../../src/errors.ts';
import type { Plan } from '../../src/report/plan-schema.ts';
import { planEvacuation } from '../../src/services/plan.ts';
import { FilesSource } from '../../src/sources/files-source.ts';
import { SMALL_WORLD_AT, writeWorld } from '../support/small-world.ts';

let plan: Plan;
beforeAll(async () => {
  const w = writeWorld();
  plan = await planEvacuation({ config: unwrap(loadConfig(w.configDir)), source: new FilesSource(w.dataDir), failedRegion: 'us-west-2', at: SMALL_WORLD_AT });
});

const frame = (f: string | undefined) =>
  stripVTControlCharacters(f ?? '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');

async function until(get: () => string | undefined, text: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const f = frame(get());
    if (f.includes(text)) return f;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`frame never showed "${text}":\n${frame(get())}`);
}

describe('PlanBrowser', () => {
  test('lists service-regions riskiest first and details the selected one', () => {
    const entries = orderEntries(plan.services, 'risk');
    const { lastFrame } = render(<PlanBrowser plan={plan} entries={entries} selected={0} order="risk" listHeight={10} />);
    expect(frame(lastFrame())).toMatchInlineSnapshot(`
      "Evacuation of us-west-2 at 10:00 UTC: traffic to us-east-1 80%, eu-west-1 20%
      NOT READY: 1 service-region(s) exceed max capacity
      6 service-regions, sorted by risk (exceeds-max, then largest ratio)
      service                  region     weighted  uniform uniform err  min -> target  flags
      >drm-fairplay             us-east-1     2.333    1.706      -26.9%        2 -> 12  pooled-buckets e…
       authz                    us-east-1     1.752    1.706       -2.6%        5 -> 20
       tv-ui                    us-east-1     1.364    1.706      +25.1%       11 -> 17  default-config n…
       authz                    eu-west-1     1.150    1.150       +0.0%       10 -> 14  pooled-buckets l…
       drm-fairplay             eu-west-1     1.150    1.150       +0.0%         ? -> ?  pooled-buckets l…
       tv-ui                    eu-west-1     1.150    1.150       +0.0%         ? -> ?  default-config p…

      ┌──────────────────────────────────────────────────────────────────────────────────────────────────┐
      │ drm-fairplay in us-east-1: weighted 2.333 (95% CI 2.333-2.333), uniform 1.706 (uniform           │
      │ under-scales by 26.9%)                                                                           │
      │ device       share   ratio  contribution                                                         │
      │ ios         100.0%   2.333         2.333                                                         │
      │ 12 trace samples; capacity: current 6, min 2 -> 12, required 16, max 12 (EXCEEDS MAX)            │
      │ flags: pooled-buckets, exceeds-max, no-demand-data                                               │
      └──────────────────────────────────────────────────────────────────────────────────────────────────┘"
    `);
  });

  test('warns when a region could not be read', () => {
    const unreachable = { ...plan, unreachableRegions: [{ region: 'us-west-2', reason: 'connect ECONNREFUSED' }] };
    const { lastFrame } = render(<PlanBrowser plan={unreachable} entries={unreachable.services} selected={0} order="service" listHeight={3} />);
    expect(frame(lastFrame())).toContain('! us-west-2, the failed region, could not be read (connect ECONNREFUSED)');
  });

  test('shows the plan warnings (stale data, missing history)', () => {
    const warned = { ...plan, warnings: ['the traffic data ends at 2026-11-20T10:30:00.000Z, 3.0 days before the time planned for'] };
    const { lastFrame } = render(<PlanBrowser plan={warned} entries={warned.services} selected={0} order="service" listHeight={3} />);
    expect(frame(lastFrame())).toContain('! warning: the traffic data ends at 2026-11-20T10:30:00.000Z, 3.0 days before');
  });
});

describe('EvacuationApp', () => {
  test('plans the first region, moves the selection, switches region and shows errors', async () => {
    const asked: string[] = [];
    const loadPlan = async (failed: string) => {
      asked.push(failed);
      if (failed !== 'us-west-2') throw new Error(`steering has no entry for "${failed}"`);
      return plan;
    };
    const app = render(<EvacuationApp failedRegions={['us-west-2', 'us-east-1']} initialFailed="us-west-2" loadPlan={loadPlan} listHeight={6} />);
    await until(app.lastFrame, 'NOT READY');
    expect(frame(app.lastFrame())).toContain('>drm-fairplay             us-east-1');
    app.stdin.write('j');
    const moved = await until(app.lastFrame, '>authz                    us-east-1');
    expect(moved).toContain('authz in us-east-1: weighted 1.752');
    // demand: median(1000, 1200) = 1100 now; x1.7515 = 1,927; ios 0.4*(140/60)*1100 = 1,027, tv 0.6*(150/110)*1100 = 900
    expect(moved).toContain('demand: 1.1k now -> 1.9k in the evacuation (ios 1.0k, tv 900)');
    app.stdin.write('s');
    await until(app.lastFrame, 'sorted by where uniform scaling is most wrong');
    app.stdin.write('\u001B[C'); // right arrow
    const failed = await until(app.lastFrame, 'Cannot plan us-east-1');
    expect(failed).toContain('steering has no entry for "us-east-1"');
    expect(asked).toEqual(['us-west-2', 'us-east-1']);
    app.unmount();
  });
});

describe('evac ui', () => {
  test('refuses to run without a terminal and points to evac plan', async () => {
    const { runCli } = await import('../support/run-cli.ts');
    const r = await runCli(['ui']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('evac ui needs an interactive terminal');
    expect(r.stderr).toContain('evac plan --format');
  });
});
