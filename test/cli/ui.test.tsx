import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { EvacuationApp, type EvacuationAppProps } from '../../cli/ui/EvacuationApp.tsx';
import { NO_AWS_SOURCE } from '../../cli/ui/service-actions.ts';
import { change, cockpitPlan, FIXED_NOW, fakeActions, fakePlanner, progress, renderAt, statusOf, until } from '../support/cockpit-fakes.ts';

afterEach(() => cleanup());

const DOWN = '\u001B[B';
const RIGHT = '\u001B[C';
const ESC = '\u001B';

function cockpit(overrides: Partial<EvacuationAppProps> = {}, size = { columns: 80, rows: 24 }) {
  const plan = cockpitPlan(30);
  const props: EvacuationAppProps = {
    failedRegions: ['us-west-2', 'us-east-1'],
    initialFailed: 'us-west-2',
    initialAt: Date.parse(plan.at) / 1000,
    initialPlan: plan,
    planner: fakePlanner(() => plan),
    actions: fakeActions(),
    sourceLabel: 'files fixtures',
    color: false,
    size,
    now: () => FIXED_NOW,
    pollIntervalMs: 10,
    ...overrides,
  };
  return renderAt(<EvacuationApp {...props} />, size.columns);
}

describe('evac ui layout', () => {
  test('fits the selector, the list, a one-line detail and the keys in 80x24, the target never cut', async () => {
    const app = cockpit();
    expect(await until(app.lastFrame, 'NOT READY')).toMatchInlineSnapshot(`
      "evac failed region ←/→ [us-west-2] us-east-1
      at 11-23 10:59Z bucket 10:00 · data end 11-23 10:30Z (1h old) · files fixtures
      NOT READY: 1 service-region(s) exceed max capacity
       service                                   region     ratio min→tgt flags
      >service-00                                us-east-1  1.200  40→120 MAX
       service-29                                eu-west-1  1.490    5→17
       service-28                                us-east-1  1.480    5→17
       service-27                                eu-west-1  1.470    5→17
       service-26                                us-east-1  1.460    5→17
       service-25                                eu-west-1  1.450    5→17
       service-24                                us-east-1  1.440    5→17
       service-23                                eu-west-1  1.430    5→17
       service-22                                us-east-1  1.420    5→17
       service-21                                eu-west-1  1.410    5→17
       service-20                                us-east-1  1.400    5→17
       service-19                                eu-west-1  1.390    5→17
       service-18                                us-east-1  1.380    5→17
       service-17                                eu-west-1  1.370    5→17
       service-16                                us-east-1  1.360    5→17
       service-15                                eu-west-1  1.350    5→17
      1/30 · sorted by risk (exceeds-max, then largest ratio)
      service-00@us-east-1 1.200 (1.180-1.220) uniform 1.500 · Min 40→120 req 140 max
      ? help · / filter · Enter detail · ←/→ region · t time · w window · a apply · q"
    `);
  });

  test('adds columns and a side-by-side detail at 160x50', async () => {
    const app = cockpit({}, { columns: 160, rows: 50 });
    expect(await until(app.lastFrame, 'NOT READY')).toMatchInlineSnapshot(`
      "evac failed region ←/→ [us-west-2] us-east-1
      planned 2026-11-23 10:59Z bucket 10:00 · data end 2026-11-23 10:30Z (1h old) · source files fixtures
      NOT READY: 1 service-region(s) exceed max capacity
       service                    region     ratio uniform      95% CI cur/req/max min→tgt      demand flags         ┌──────────────────────────────────────────────┐
      >service-00                 us-east-1  1.200   1.500   1.18-1.22  90/140/120  40→120           ? MAX           │ service-00 in us-east-1 (steering 80%)       │
       service-29                 eu-west-1  1.490   1.500   1.47-1.51   10/17/100    5→17           ?               │ weighted 1.200, 95% CI 1.180-1.220; uniform  │
       service-28                 us-east-1  1.480   1.500   1.46-1.50   10/17/100    5→17           ?               │ 1.500 (+0.0%)                                │
       service-27                 eu-west-1  1.470   1.500   1.45-1.49   10/17/100    5→17           ?               │ device       share   ratio  contrib          │
       service-26                 us-east-1  1.460   1.500   1.44-1.48   10/17/100    5→17           ?               │ tv          100.0%   1.500    1.500          │
       service-25                 eu-west-1  1.450   1.500   1.43-1.47   10/17/100    5→17           ?               │ 1000 traces · current 90 · required 140 ·    │
       service-24                 us-east-1  1.440   1.500   1.42-1.46   10/17/100    5→17           ?               │ Min 40→120 · Max 120                         │
       service-23                 eu-west-1  1.430   1.500   1.41-1.45   10/17/100    5→17           ?               │ demand: unknown (no demand data)             │
       service-22                 us-east-1  1.420   1.500   1.40-1.44   10/17/100    5→17           ?               │ exceeds-max: the required capacity is above  │
       service-21                 eu-west-1  1.410   1.500   1.39-1.43   10/17/100    5→17           ?               │ MaxCapacity: the target is capped            │
       service-20                 us-east-1  1.400   1.500   1.38-1.42   10/17/100    5→17           ?               │ → raise MaxCapacity to 140 or set            │
       service-19                 eu-west-1  1.390   1.500   1.37-1.41   10/17/100    5→17           ?               │ allowMaxIncrease in                          │
       service-18                 us-east-1  1.380   1.500   1.36-1.40   10/17/100    5→17           ?               │ config/services/authz.yaml                   │
       service-17                 eu-west-1  1.370   1.500   1.35-1.39   10/17/100    5→17           ?               └──────────────────────────────────────────────┘
       service-16                 us-east-1  1.360   1.500   1.34-1.38   10/17/100    5→17           ?
       service-15                 eu-west-1  1.350   1.500   1.33-1.37   10/17/100    5→17           ?
       service-14                 us-east-1  1.340   1.500   1.32-1.36   10/17/100    5→17           ?
       service-13                 eu-west-1  1.330   1.500   1.31-1.35   10/17/100    5→17           ?
       service-12                 us-east-1  1.320   1.500   1.30-1.34   10/17/100    5→17           ?
       service-11                 eu-west-1  1.310   1.500   1.29-1.33   10/17/100    5→17           ?
       service-10                 us-east-1  1.300   1.500   1.28-1.32   10/17/100    5→17           ?
       service-09                 eu-west-1  1.290   1.500   1.27-1.31   10/17/100    5→17           ?
       service-08                 us-east-1  1.280   1.500   1.26-1.30   10/17/100    5→17           ?
       service-07                 eu-west-1  1.270   1.500   1.25-1.29   10/17/100    5→17           ?
       service-06                 us-east-1  1.260   1.500   1.24-1.28   10/17/100    5→17           ?
       service-05                 eu-west-1  1.250   1.500   1.23-1.27   10/17/100    5→17           ?
       service-04                 us-east-1  1.240   1.500   1.22-1.26   10/17/100    5→17           ?
       service-03                 eu-west-1  1.230   1.500   1.21-1.25   10/17/100    5→17           ?
       service-02                 us-east-1  1.220   1.500   1.20-1.24   10/17/100    5→17           ?
       service-01                 eu-west-1  1.210   1.500   1.19-1.23   10/17/100    5→17           ? pool low













      1/30 · sorted by risk (exceeds-max, then largest ratio)
      ? help · / filter · Enter detail · ←/→ region · t time · w window · a apply · q quit"
    `);
  });

  test('shows the plan warnings (stale data, missing history) and unreachable regions above the list', async () => {
    const warned = cockpitPlan(30, {
      warnings: ['the traffic data ends at 2026-11-20T10:30:00.000Z, 3.0 days before the time planned for'],
      unreachableRegions: [{ region: 'us-west-2', reason: 'connect ECONNREFUSED' }],
    });
    const app = cockpit({ initialPlan: warned, planner: fakePlanner(() => warned) }, { columns: 160, rows: 50 });
    const screen = await until(app.lastFrame, '1/30');
    expect(screen).toContain('! warning: the traffic data ends at 2026-11-20T10:30:00.000Z, 3.0 days before');
    expect(screen).toContain('! us-west-2, the failed region, could not be read (connect ECONNREFUSED)');
  });
});

describe('evac ui keys', () => {
  test('handles every key of one read: jjj moves three rows', async () => {
    const app = cockpit();
    await until(app.lastFrame, '1/30');
    app.stdin.write('jjj');
    expect(await until(app.lastFrame, '4/30')).toContain('>service-');
  });

  test('handles arrows that arrive together: Down Down moves two rows, Right Right two regions', async () => {
    const planner = fakePlanner((r) => cockpitPlan(30, { failedRegion: r }));
    const app = cockpit({ failedRegions: ['us-west-2', 'us-east-1', 'eu-west-1'], planner });
    await until(app.lastFrame, '1/30');
    app.stdin.write(DOWN + DOWN);
    await until(app.lastFrame, '3/30');
    app.stdin.write(RIGHT + RIGHT);
    await until(app.lastFrame, '[eu-west-1]');
    await expect.poll(() => planner.asked.at(-1)).toBe('eu-west-1');
  });

  test('cycles the sort once per s, even when typed twice in one read', async () => {
    const app = cockpit();
    await until(app.lastFrame, 'sorted by risk');
    app.stdin.write('ss');
    expect(await until(app.lastFrame, 'sorted by service name')).toContain('1/30');
  });

  test('? shows every key; any key closes it', async () => {
    const app = cockpit();
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('?');
    expect(await until(app.lastFrame, 'Keys (any key closes this help)')).toMatchInlineSnapshot(`
      "┌──────────────────────────────────────────────────────────────────────────────┐
      │ Keys (any key closes this help)                                              │
      │ j/k ↓/↑           next / previous service                                    │
      │ PgDn/PgUp Space/b a page down / up                                           │
      │ g/G Home/End      first / last service                                       │
      │ ←/→ h/l           previous / next failed region (re-plans)                   │
      │ s                 cycle the sort: risk, uniform error, name                  │
      │ /                 filter: service, region or flag (/exceeds); Esc clears     │
      │ Enter Tab         detail: devices, capacity, flags, the day                  │
      │ t                 planned time: +1h, -30m, 18:00 (UTC), now, or ISO 8601     │
      │ w                 window (minutes): the worst bucket of [time, time+window)  │
      │ a                 apply: review the calls, type the failed region            │
      │ p                 progress per region, failures (also an earlier apply)      │
      │ r                 in progress: retry what failed                             │
      │ R                 restore: review, type the region to confirm                │
      │ Ctrl-R            read the data again (capacity, Min/Max) and re-plan        │
      │ Esc               back (detail, prompt, filter); never quits                 │
      │ ?                 this help (any key closes it)                              │
      │ q Ctrl-C          quit (asks first while an apply or restore runs)           │
      └──────────────────────────────────────────────────────────────────────────────┘"
    `);
    app.stdin.write('x');
    await until(app.lastFrame, '1/30');
  });

  test('/ filters by flag as typed; Esc clears the filter and never quits', async () => {
    const app = cockpit();
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('/exceeds');
    const filtered = await until(app.lastFrame, '1/1');
    expect(filtered).toContain('/exceeds▏');
    expect(filtered).toContain('>service-00');
    app.stdin.write('\r');
    await until(app.lastFrame, 'filter "exceeds"');
    app.stdin.write(ESC);
    await until(app.lastFrame, '1/30');
    app.stdin.write(ESC);
    expect(await until(app.lastFrame, 'Esc goes back; q quits')).toContain('1/30');
  });

  test('Enter opens the detail with the remediation and the day; Esc goes back', async () => {
    const app = cockpit();
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('\r');
    const detail = await until(app.lastFrame, 'planned 10:00 UTC');
    expect(detail).toContain('raise MaxCapacity to 140 or set allowMaxIncrease in');
    expect(detail).toContain('exceeds-max: the required capacity is above MaxCapacity');
    expect(detail).toMatchInlineSnapshot(`
      "evac failed region ←/→ [us-west-2] us-east-1
      at 11-23 10:59Z bucket 10:00 · data end 11-23 10:30Z (1h old) · files fixtures
      NOT READY: 1 service-region(s) exceed max capacity
      ┌──────────────────────────────────────────────────────────────────────────────┐
      │ service-00 in us-east-1 (steering 80%)                                       │
      │ weighted 1.200, 95% CI 1.180-1.220; uniform 1.500 (+0.0%)                    │
      │ device       share   ratio  contrib                                          │
      │ tv          100.0%   1.500    1.500                                          │
      │ 1000 traces · current 90 · required 140 · Min 40→120 · Max 120               │
      │ demand: unknown (no demand data)                                             │
      │ exceeds-max: the required capacity is above MaxCapacity: the target is       │
      │ capped                                                                       │
      │ → raise MaxCapacity to 140 or set allowMaxIncrease in                        │
      │ config/services/authz.yaml                                                   │
      └──────────────────────────────────────────────────────────────────────────────┘
      ratio over the day: weighted; uniform 1.25-1.25 (1.250 at the planned bucket)
        1.50 ┤         ╭╮
        1.35 ┤         ││
        1.20 ┼─────────╯╰────────────
                       ▲ planned 10:00 UTC
      us-east-1 traffic receiving the evacuation (upper line) and now
         173 ┤              ╭────────
         137 ┼──────────────╯
         100 ┼───────────────────────
      Esc back · j/k next/previous · a apply · ? help · q quit"
    `);
    app.stdin.write(ESC);
    await until(app.lastFrame, '1/30');
  });

  test('PageDown, G and g move by a page and to the ends', async () => {
    const app = cockpit();
    await until(app.lastFrame, '1/30');
    app.stdin.write('\u001B[6~');
    await until(app.lastFrame, '17/30');
    app.stdin.write('G');
    await until(app.lastFrame, '30/30');
    app.stdin.write('g');
    await until(app.lastFrame, '1/30');
  });

  test('t sets the planned time and recomputes', async () => {
    const planner = fakePlanner((r) => cockpitPlan(30, { failedRegion: r }));
    const app = cockpit({ planner });
    await until(app.lastFrame, 'at 11-23 10:59Z');
    app.stdin.write('t+1h\r');
    await until(app.lastFrame, 'at 11-23 11:59Z');
    app.stdin.write('tbogus\r');
    expect(await until(app.lastFrame, 't "bogus": expected')).toContain('at 11-23 11:59Z');
  });
});

describe('evac ui reload', () => {
  test('Ctrl-R reads the data again and re-plans', async () => {
    const planner = fakePlanner(() => cockpitPlan(30));
    const app = cockpit({ planner });
    await until(app.lastFrame, '1/30');
    app.stdin.write('\u0012');
    await expect.poll(() => planner.asked.length).toBe(1);
    expect(planner.reloads).toBe(1);
  });
});

describe('evac ui regions', () => {
  test('shows "recomputing…" over the old table while the new region plans, then the new plan', async () => {
    let release: (() => void) | undefined;
    const planner = fakePlanner((r) => new Promise((resolve) => (release = () => resolve(cockpitPlan(3, { failedRegion: r })))));
    const app = cockpit({ planner });
    await until(app.lastFrame, '1/30');
    app.stdin.write(RIGHT);
    expect(await until(app.lastFrame, 'recomputing…')).toContain('[us-east-1]');
    release?.();
    await until(app.lastFrame, '1/3');
  });

  test('shows an error of one region in the view and stays usable', async () => {
    const planner = fakePlanner((r) => (r === 'us-east-1' ? Promise.reject(new Error('CloudWatch unreachable')) : cockpitPlan(30)));
    const app = cockpit({ planner });
    await until(app.lastFrame, '1/30');
    app.stdin.write(RIGHT);
    await until(app.lastFrame, 'cannot plan us-east-1: CloudWatch unreachable');
    app.stdin.write(RIGHT);
    await until(app.lastFrame, '1/30');
  });
});

describe('evac ui apply', () => {
  const changes = [change('service-00', 'us-east-1', 40, 120), change('service-02', 'us-east-1', 5, 17)];

  test('a shows the exact calls and asks for the failed region by name', async () => {
    const actions = fakeActions({ changes });
    const app = cockpit({ actions });
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('a');
    expect(await until(app.lastFrame, 'Type us-west-2')).toMatchInlineSnapshot(`
      "evac failed region ←/→ [us-west-2] us-east-1
      at 11-23 10:59Z bucket 10:00 · data end 11-23 10:30Z (1h old) · files fixtures
      NOT READY: 1 service-region(s) exceed max capacity
      Apply review: 2 calls in us-east-1
      region     service     resource                 min/max now  min/max new  note
      ---------  ----------  -----------------------  -----------  -----------  ----
      us-east-1  service-00  service/prod/service-00       40/100      120/100
      us-east-1  service-02  service/prod/service-02        5/100       17/100
      RegisterScalableTarget calls (2):
        aws application-autoscaling register-scalable-target --region us-east-1 --ser…
        aws application-autoscaling register-scalable-target --region us-east-1 --ser…
      Type us-west-2 and Enter to apply, Esc to go back: ▏
      Esc back · ? help"
    `);
    app.stdin.write('us-east-1\r');
    await until(app.lastFrame, 'type "us-west-2" and Enter to confirm');
    expect(actions.applied).toHaveLength(0);
  });

  test('the typed region applies, and the progress view follows status per region', async () => {
    const statuses = [
      statusOf([progress('us-east-1', 'service-00', 120, 60), progress('us-east-1', 'service-02', 17, 17)]),
      statusOf([progress('us-east-1', 'service-00', 120, 120), progress('us-east-1', 'service-02', 17, 17)]),
    ];
    const actions = fakeActions({ changes, statuses });
    const app = cockpit({ actions });
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('a');
    await until(app.lastFrame, 'Type us-west-2');
    app.stdin.write('us-west-2\r');
    const midway = await until(app.lastFrame, '1/2 targets reached');
    expect(midway).toMatchInlineSnapshot(`
      "evac failed region ←/→ [us-west-2] us-east-1
      at 11-23 10:59Z bucket 10:00 · data end 11-23 10:30Z (1h old) · files fixtures
      NOT READY: 1 service-region(s) exceed max capacity
      Pre-scaling: raised 2
      running capacity vs new Min: 1/2 targets reached (polled 12:00:05Z)
      us-east-1      [#################.............]  56% 1/2
      Esc back · r retry failed · R restore · ? help · q quit"
    `);
    await until(app.lastFrame, '2/2 targets reached');
    expect(actions.applied).toHaveLength(1);
  });

  test('failures are listed with their reason and r retries', async () => {
    const failed = {
      region: 'us-east-1',
      service: 'service-00',
      label: 'us-east-1 service/prod/service-00 (ecs:service:DesiredCount)',
      target: null,
      status: 'failed' as const,
      before: null,
      after: null,
      capped: false,
      reason: 'ThrottlingException: Rate exceeded',
    };
    const actions = fakeActions({
      changes,
      applyResult: { targets: [failed], summary: { raised: 1, 'would-raise': 0, unchanged: 0, failed: 1, skipped: 0, capped: 0 } },
    });
    const app = cockpit({ actions });
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('a');
    await until(app.lastFrame, 'Type us-west-2');
    app.stdin.write('us-west-2\r');
    expect(await until(app.lastFrame, '1 failed (r retries)')).toContain('ThrottlingException: Rate exceeded');
    app.stdin.write('r');
    await until(app.lastFrame, 'raised 1, failed 1');
    expect(actions.applied).toHaveLength(2);
  });

  test('with the files source the review is shown and the apply refused: no AWS source', async () => {
    const actions = fakeActions({ changes, refusal: NO_AWS_SOURCE });
    const app = cockpit({ actions });
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('a');
    const review = await until(app.lastFrame, 'no AWS source');
    expect(review).toContain('register-scalable-target');
    expect(actions.applied).toHaveLength(0);
  });

  test('p watches the active pre-scaling of an earlier apply', async () => {
    const actions = fakeActions({ statuses: [statusOf([progress('us-east-1', 'service-00', 120, 60), progress('eu-west-1', 'service-01', 17, null)])] });
    const app = cockpit({ actions });
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('p');
    const watched = await until(app.lastFrame, '0/2 targets reached');
    expect(watched).toMatch(/eu-west-1 +\[\.+\] +0% 0\/1/);
    expect(watched).toMatch(/us-east-1 +\[#+\.+\] +50% 0\/1/);
  });

  test('q while an apply runs asks first', async () => {
    const actions = fakeActions({ changes });
    actions.apply = () => new Promise(() => {});
    const app = cockpit({ actions });
    await until(app.lastFrame, 'NOT READY');
    app.stdin.write('a');
    await until(app.lastFrame, 'Type us-west-2');
    app.stdin.write('us-west-2\r');
    await until(app.lastFrame, 'making the calls');
    app.stdin.write('q');
    await until(app.lastFrame, 'quit anyway?');
    app.stdin.write('n');
    await until(app.lastFrame, 'not quitting');
  });
});
