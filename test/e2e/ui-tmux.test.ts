import { afterEach, describe, expect, test } from 'vitest';
import { ROOT } from '../support/run-cli.ts';
import { TmuxSession } from '../support/tmux.ts';

// A real terminal: tmux runs `evac ui` on the fixtures, send-keys types, capture-pane reads.
// Assertions are on structure (keys, headers, service names), not on the fixtures' numbers.
const EVAC = `node ${ROOT}/bin/evac.js`;
const UI = `${EVAC} ui --failed us-west-2 --at 2026-11-23T18:00:00Z`;
let session: TmuxSession | undefined;
afterEach(() => session?.kill());

const position = (screen: string) => /(\d+)\/(\d+) · sorted by/.exec(screen);

describe('evac ui in tmux', () => {
  test('navigates at 80x24: every key of one write handled, help, filter, detail, review, quit', async () => {
    // CI=true as CI runners set it: the cockpit must still draw every frame in a real terminal.
    session = new TmuxSession(UI, { columns: 80, rows: 24, cwd: ROOT, env: { NO_COLOR: '1', CI: 'true' } });
    const first = await session.waitFor(/NOT READY|ready:/);
    expect(first).toContain('[us-west-2]');
    expect(first).toContain('files fixtures');
    expect(first).toMatch(/service\s+region\s+ratio\s+min→tgt\s+flags/);
    // The region selector stays on the first line: nothing scrolled off the top.
    expect(first.split('\n')[0]).toContain('failed region');
    expect(position(first)?.[1]).toBe('1');

    session.type('jjj');
    const moved = await session.waitFor(/\b4\/\d+ · sorted by/);
    expect(moved).toMatch(/^>\S+/m);

    session.type('?');
    await session.waitFor('Keys (any key closes this help)');
    session.type('x');
    await session.waitFor('· sorted by');

    session.type('/no-such-service');
    await session.waitFor('no service matches');
    session.press('Escape');
    await session.waitFor(/\b1\/\d+ · sorted by/);

    session.press('Enter');
    const detail = await session.waitFor('ratio over the day');
    expect(detail).toContain('planned 18:00 UTC');
    expect(detail).toContain('device');
    session.press('Escape');
    await session.waitFor('· sorted by');

    session.press('Right');
    await session.waitFor(/\[(?!us-west-2)[a-z]+-[a-z]+-\d\]/);
    session.press('Left');
    await session.waitFor('[us-west-2]');

    session.type('a');
    const review = await session.waitFor('no AWS source');
    expect(review).toContain('Apply review');
    session.press('Escape');
    await session.waitFor('· sorted by');

    session.press('Escape');
    await session.waitFor('Esc goes back; q quits');
    session.type('q');
    await session.waitFor('EXIT=0');
  }, 300_000);

  test('adds columns at 120x35', async () => {
    session = new TmuxSession(UI, { columns: 120, rows: 35, cwd: ROOT, env: { NO_COLOR: '1' } });
    const screen = await session.waitFor(/NOT READY|ready:/);
    expect(screen).toMatch(/uniform\s+95% CI\s+cur\/req\/max\s+min→tgt\s+demand\s+flags/);
  }, 180_000);

  test('exits 2 before the UI opens when the data is bad', async () => {
    session = new TmuxSession(`${UI} --data /nonexistent-evac-data`, { columns: 80, rows: 24, cwd: ROOT });
    const screen = await session.waitFor('EXIT=');
    expect(screen).toContain('EXIT=2');
    expect(screen).toContain('evac:');
    expect(screen).not.toContain('· sorted by');
  }, 180_000);
});
