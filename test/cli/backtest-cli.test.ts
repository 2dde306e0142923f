import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BacktestSchema } from '../../src/report/backtest-schema.ts';
import { ROOT, runCli } from '../support/run-cli.ts';

const DATA = ['--config', path.join(ROOT, 'metrics-config'), '--data', path.join(ROOT, 'fixtures')];

describe('evac backtest', () => {
  test('prints the versioned JSON contract with ISO 8601 UTC times and MAPE as fractions', async () => {
    const r = await runCli(['backtest', '--evacuation', '2026-11-22T14:00:00Z', '--format', 'json', ...DATA]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const b = BacktestSchema.parse(JSON.parse(r.stdout));
    expect(b).toMatchObject({
      schemaVersion: 1,
      kind: 'evac-backtest',
      evacuations: [{ start: '2026-11-22T14:00:00.000Z', end: '2026-11-22T15:00:00.000Z', failedRegion: 'sa-east-1' }],
    });
    expect(b.pairs[0]?.slices.map((s) => [s.start, s.end, s.bucket])).toEqual([
      ['2026-11-22T14:00:00.000Z', '2026-11-22T14:15:00.000Z', 56],
      ['2026-11-22T14:15:00.000Z', '2026-11-22T14:30:00.000Z', 57],
      ['2026-11-22T14:30:00.000Z', '2026-11-22T14:45:00.000Z', 58],
      ['2026-11-22T14:45:00.000Z', '2026-11-22T15:00:00.000Z', 59],
    ]);
    expect(b.summary.receiving.weighted.mape).toBeLessThan(0.1);
  }, 60_000);

  test('prints a table with the verdict, the per-service table and a terminal chart', async () => {
    const r = await runCli(['backtest', '--evacuation', '2026-11-22T14:00:00Z', ...DATA]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^evac backtest: weighted beats uniform \(\d+\.\d\d% vs \d+\.\d\d% MAPE\)/);
    expect(r.stdout).toContain('Per service (receiving MAPE, worst weighted first):');
    expect(r.stdout).toContain('Worst receiving pair:');
    expect(r.stdout).toMatch(/┤/);
  }, 60_000);

  test('prints the observed steering of a region steered nothing as 0.00, never -0.00', async () => {
    // us-west-2's evacuation: sa-east-1 received nothing and measured a hair below its nominal traffic.
    const r = await runCli(['backtest', '--evacuation', '2026-11-19T02:00:00Z', ...DATA]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sa-east-1 0 -> 0\.00/);
    expect(r.stdout).not.toContain('-0.00');
  }, 60_000);

  test('writes a Markdown report with its SVG chart beside it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evac-backtest-'));
    const out = path.join(dir, 'backtest.md');
    const r = await runCli(['backtest', '--evacuation', '2026-11-22T14:00:00Z', '--out', out, ...DATA]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`wrote ${path.join(dir, 'backtest.svg')}\nwrote ${out}\n`);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('![predicted vs observed demand](backtest.svg)');
    expect(md).toContain('## Worst under-predictions');
    const svg = readFileSync(path.join(dir, 'backtest.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(12); // 4 panels x (observed, weighted, uniform)
  }, 60_000);

  test('exits 2 naming the evacuations there are when --evacuation matches none', async () => {
    const r = await runCli(['backtest', '--evacuation', '2026-11-22T13:00:00Z', ...DATA]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no past evacuation starts then: expected one of 2026-11-19T02:00:00.000Z, 2026-11-21T19:00:00.000Z, 2026-11-22T14:00:00.000Z');
  }, 60_000);
});

describe('evac schema backtest', () => {
  test('prints the JSON Schema of the backtest contract', async () => {
    const r = await runCli(['schema', 'backtest']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.title).toBe('evac backtest JSON (schemaVersion 1)');
    expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'kind', 'evacuations', 'summary', 'pairs']));
  });
});

describe('evac validate', () => {
  test('warns when configured steering is more than 0.1 from the last observed evacuation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evac-steering-'));
    cpSync(path.join(ROOT, 'metrics-config'), dir, { recursive: true });
    const file = path.join(dir, 'evacuation.yaml');
    // The fixtures' sa-east-1 exercise sent 0.7 / 0.3; configure 0.5 / 0.5.
    writeFileSync(file, readFileSync(file, 'utf8').replace('    us-east-1: 0.7\n    us-west-2: 0.3', '    us-east-1: 0.5\n    us-west-2: 0.5'));
    expect(existsSync(file)).toBe(true);
    const r = await runCli(['validate', '--config', dir, '--data', path.join(ROOT, 'fixtures')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /steering\.sa-east-1\.us-east-1: configured 0\.5, but us-east-1 received 0\.73 of sa-east-1's traffic in its last evacuation \(2026-11-22T14:00:00\.000Z\)/,
    );
    expect(r.stderr).toMatch(/steering\.sa-east-1\.us-west-2: configured 0\.5, but us-west-2 received 0\.30/);
    const shipped = await runCli(['validate', ...DATA]);
    expect(shipped.stderr).not.toContain('steering.');
  }, 60_000);
});
