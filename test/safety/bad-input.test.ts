import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig, yamlNesting } from '../../src/config/load-config.ts';
import { formatIssue } from '../../src/errors.ts';
import { parseNumber, parseTime } from '../../src/sources/csv-table.ts';
import { runCli } from '../support/run-cli.ts';
import { SMALL_WORLD, type World, writeWorld } from '../support/small-world.ts';

const plan = (w: World, ...more: string[]) =>
  runCli(['plan', '--config', w.configDir, '--data', w.dataDir, '--failed', 'us-west-2', '--at', '2026-11-23T10:30:00Z', ...more]);
const validate = (w: World, ...more: string[]) => runCli(['validate', '--config', w.configDir, '--data', w.dataDir, ...more]);
const rel = (w: World, text: string) => text.replaceAll(w.root, '');

/** Exit 2, no stack trace, and the named file in the message. */
function expectBadInput(r: { code: number; stderr: string }, ...parts: string[]): void {
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const p of parts) expect(r.stderr).toContain(p);
  expect(r.code).toBe(2);
}

describe('parseTime', () => {
  test('refuses dates and times that do not exist instead of rolling them over', () => {
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:60:00Z',
      '2026-01-01T10:00:60Z',
      '2026-01-01T10:00:00+25:00',
    ]) {
      expect(parseTime(bad), bad).toBeUndefined();
    }
  });

  test('accepts real dates, leap days and zones', () => {
    expect(parseTime('2028-02-29T00:00:00Z')).toBe(Date.parse('2028-02-29T00:00:00Z') / 1000);
    expect(parseTime('2000-02-29T23:59:59.5+01:00')).toBe(Date.parse('2000-02-29T23:59:59.5+01:00') / 1000);
    expect(parseTime('1700000000')).toBe(1_700_000_000);
  });
});

describe('parseNumber', () => {
  test('reads plain decimal notation only', () => {
    expect([parseNumber('12'), parseNumber('0.5'), parseNumber('.5'), parseNumber('1e3'), parseNumber('7.')]).toEqual([12, 0.5, 0.5, 1000, 7]);
    for (const bad of ['0x1A', '0b11', '0o17', 'Infinity', '', ' ', '1_000', '1,5', '--1']) expect(parseNumber(bad), bad).toBeUndefined();
  });
});

describe('CSV data files', () => {
  test('an impossible date is a bad row, not the next month', async () => {
    const w = writeWorld({ 'data/device-traffic.csv': `${SMALL_WORLD['data/device-traffic.csv']}2026-02-30T10:00:00Z,us-east-1,tv,10\n` });
    const r = await validate(w);
    expectBadInput(r);
    expect(rel(w, r.stderr)).toContain('/data/device-traffic.csv:16: column "timestamp": "2026-02-30T10:00:00Z" is not a timestamp');
  });

  test('--at with an impossible date exits 2', async () => {
    const w = writeWorld();
    const r = await runCli(['plan', '--config', w.configDir, '--data', w.dataDir, '--failed', 'us-west-2', '--at', '2026-02-30T10:30:00Z']);
    expectBadInput(r, '--at "2026-02-30T10:30:00Z"');
  });

  test('hex, binary and octal numbers are bad rows', async () => {
    const w = writeWorld({ 'data/capacity.csv': `${SMALL_WORLD['data/capacity.csv']}eu-west-1,drm-fairplay,0x1A,0b1,0o17\n` });
    const r = await validate(w);
    expectBadInput(r);
    expect(rel(w, r.stderr)).toContain('/data/capacity.csv:6: column "current_capacity": "0x1A" is not a number: expected a non-negative number');
  });

  test.each([
    ['a stray quote inside a value', '2026-11-22T10:00:00Z,us-east-1,t"v,5', 'field 3: stray quote inside an unquoted value'],
    ['an unbalanced quote', '2026-11-22T10:00:00Z,"us-east-1,tv,5', 'field 2: unbalanced quote'],
    ['text after a closing quote', '2026-11-22T10:00:00Z,"us-east-1"x,tv,5', 'field 2: text after a closing quote'],
  ])('%s is a bad row', async (_name, line, message) => {
    const w = writeWorld({ 'data/device-traffic.csv': `${SMALL_WORLD['data/device-traffic.csv']}${line}\n` });
    const r = await validate(w);
    expectBadInput(r);
    expect(rel(w, r.stderr)).toContain(`/data/device-traffic.csv:16: ${message}`);
  });

  test('well-quoted values are still read', async () => {
    const w = writeWorld({ 'data/device-traffic.csv': `${SMALL_WORLD['data/device-traffic.csv']}2026-11-22T10:00:00Z, "us-east-1" ,"t""v",5\n` });
    const r = await validate(w);
    expect(r.stderr).not.toContain('quote');
    expect(r.stdout).toContain('data: 15 traffic');
    expect(r.code).toBe(0);
  });

  test('an evacuations.csv that is a dangling link or a link loop is an error, not "no evacuations"', async () => {
    const w = writeWorld({ 'data/evacuations.csv': null });
    symlinkSync(path.join(w.root, 'nowhere.csv'), path.join(w.dataDir, 'evacuations.csv'));
    expectBadInput(await plan(w), 'evacuations.csv: dangling symbolic link');
    rmSync(path.join(w.dataDir, 'evacuations.csv'));
    symlinkSync('loop-b', path.join(w.dataDir, 'evacuations.csv'));
    symlinkSync('evacuations.csv', path.join(w.dataDir, 'loop-b'));
    expectBadInput(await validate(w), 'evacuations.csv: symbolic link loop');
  });

  test('a data file that is a directory or a FIFO exits 2 naming it (without reading the FIFO)', async () => {
    const w = writeWorld({ 'data/service-demand.csv': null, 'data/trace-samples.csv': null });
    mkdirSync(path.join(w.dataDir, 'service-demand.csv'));
    execFileSync('mkfifo', [path.join(w.dataDir, 'trace-samples.csv')]);
    const r = await plan(w);
    expectBadInput(r, 'service-demand.csv: is a directory: expected a file', 'trace-samples.csv: is a named pipe (FIFO): expected a regular file');
  });

  test('a small table over 512 MiB exits 2 before reading it, pointing to precompute', async () => {
    const w = writeWorld();
    truncateSync(path.join(w.dataDir, 'capacity.csv'), 600 * 1024 * 1024);
    const r = await validate(w);
    expectBadInput(r, 'capacity.csv: is 600.0 MiB: expected at most 512.0 MiB', 'evac precompute');
  });

  test('a trace file of 600 MiB is read streaming; one that is not CSV (a line of 600 MiB) exits 2 naming the line', async () => {
    const w = writeWorld();
    const file = path.join(w.dataDir, 'trace-samples.csv');
    const lines = readFileSync(file, 'utf8').split('\n').length;
    truncateSync(file, 600 * 1024 * 1024);
    for (const r of [await validate(w), await plan(w)])
      expectBadInput(r, `trace-samples.csv:${lines}: longer than 16 MiB without a line break: expected CSV rows`);
  });

  test('--data that is a file exits 2 naming it', async () => {
    const w = writeWorld();
    const r = await runCli([
      'plan',
      '--config',
      w.configDir,
      '--data',
      path.join(w.dataDir, 'capacity.csv'),
      '--failed',
      'us-west-2',
      '--at',
      '2026-11-23T10:30:00Z',
    ]);
    expectBadInput(r, 'capacity.csv: is a file: expected a directory');
  });
});

describe('config files', () => {
  const issuesOf = (changes: Record<string, string | null>) => {
    const w = writeWorld(changes);
    const r = loadConfig(w.configDir);
    if (r.ok) throw new Error('expected the config to be rejected');
    return r.issues.map((i) => rel(w, formatIssue(i)));
  };

  test('a region listed twice is refused', () => {
    const issues = issuesOf({ 'config/evacuation.yaml': SMALL_WORLD['config/evacuation.yaml'].replace('eu-west-1]', 'eu-west-1, us-east-1]') });
    expect(issues).toEqual(['/config/evacuation.yaml:1: regions.3: duplicate region "us-east-1" (also item 0): expected each region once']);
  });

  test('a shard listed twice is refused', () => {
    const issues = issuesOf({ 'config/services/authz.yaml': `${SMALL_WORLD['config/services/authz.yaml']}shards: [a, b, a]\n` });
    expect(issues).toEqual(['/config/services/authz.yaml:9: shards.2: duplicate shard "a" (also item 0): expected each shard once']);
  });

  test('hex, octal and binary YAML numbers are refused', () => {
    const issues = issuesOf({ 'config/services/authz.yaml': SMALL_WORLD['config/services/authz.yaml'].replace('headroom: 0.2', 'minTraceSamples: 0x1A') });
    expect(issues).toEqual(['/config/services/authz.yaml:8: "0x1A" is a hex, octal or binary number: expected a decimal number (or quote it for text)']);
  });

  test('a YAML alias bomb exits 2 naming the file', async () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...['b', 'c', 'd', 'e', 'f'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`),
    ].join('\n');
    const w = writeWorld({ 'config/services/authz.yaml': `${SMALL_WORLD['config/services/authz.yaml']}${bomb}\n` });
    const r = await plan(w);
    expectBadInput(r, 'authz.yaml: YAML aliases: Excessive alias count');
  });

  test('YAML nested 100,000 deep is refused before parsing', async () => {
    for (const deep of [`\n${'- '.repeat(100_000)}x\n`, `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`]) {
      const w = writeWorld({ 'config/services/authz.yaml': `service: authz\nshards: ${deep}` });
      const r = await plan(w);
      expectBadInput(r, 'authz.yaml:', 'levels deep', 'expected at most 100');
    }
  });

  test('yamlNesting counts indentation, sequence indicators and brackets', () => {
    expect(yamlNesting('a:\n  b:\n    - - [1, {c: 2}]\n').depth).toBe(8);
    expect(yamlNesting('a: "[[[["  # [[[\n').depth).toBe(0);
  });

  test('a config file that is a directory, and a services/ that is a file, exit 2 naming them', async () => {
    const w = writeWorld({ 'config/evacuation.yaml': null, 'config/services/authz.yaml': null, 'config/services/drm-fairplay.yaml': null });
    mkdirSync(path.join(w.configDir, 'evacuation.yaml'), { recursive: true });
    rmSync(path.join(w.configDir, 'services'), { recursive: true, force: true });
    writeFileSync(path.join(w.configDir, 'services'), 'not a directory\n');
    const r = await plan(w);
    expectBadInput(r, 'evacuation.yaml: is a directory: expected a file', 'services: is a file: expected a directory');
  });

  test('a services/ that is a dangling link is an error, not "no services"', async () => {
    const w = writeWorld();
    rmSync(path.join(w.configDir, 'services'), { recursive: true });
    symlinkSync(path.join(w.root, 'gone'), path.join(w.configDir, 'services'));
    expectBadInput(await runCli(['validate', '--config', w.configDir, '--no-data']), 'services: dangling symbolic link');
  });
});

describe('precomputed directories', () => {
  const precompute = async (w: World, out: string, at = '2026-11-23T11:00:00Z') =>
    runCli(['precompute', '--config', w.configDir, '--data', w.dataDir, '--out', out, '--at', at]);

  test('a directory made with another lookbackDays is refused by plan and by validate', async () => {
    const w = writeWorld();
    const out = path.join(w.root, 'pre');
    expect((await precompute(w, out)).code).toBe(0);
    writeFileSync(path.join(w.configDir, 'evacuation.yaml'), SMALL_WORLD['config/evacuation.yaml'].replace('lookbackDays: 2', 'lookbackDays: 3'));
    const msg = 'lookbackDays: precomputed with lookbackDays 2, the config says 3: expected the same';
    expectBadInput(await runCli(['plan', '--config', w.configDir, '--data', out, '--failed', 'us-west-2', '--at', '2026-11-23T12:00:00Z']), msg);
    expectBadInput(await runCli(['validate', '--config', w.configDir, '--data', out]), msg);
  });

  test('validate rejects a precompute.json that plan rejects', async () => {
    const w = writeWorld();
    const out = path.join(w.root, 'pre');
    expect((await precompute(w, out)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'precompute.json'), 'utf8'));
    // The last: a history that ends after now (the test clock, 2026-11-23T18:00Z), which plan at now refuses.
    for (const edit of [{ schemaVersion: 2 }, { dataEnd: 'yesterday' }, { bucketMinutes: 15 }, { extra: 1 }, { dataEnd: '2026-11-24T00:00:00.000Z' }]) {
      writeFileSync(path.join(out, 'precompute.json'), JSON.stringify({ ...manifest, ...edit }));
      const p = await runCli(['plan', '--config', w.configDir, '--data', out, '--failed', 'us-west-2']);
      const v = await runCli(['validate', '--config', w.configDir, '--data', out]);
      expect([p.code, v.code], JSON.stringify(edit)).toEqual([2, 2]);
      expect(v.stderr).toContain('precompute.json');
    }
    writeFileSync(path.join(out, 'precompute.json'), '{not json');
    expectBadInput(await runCli(['validate', '--config', w.configDir, '--data', out]), 'precompute.json: not JSON');
  });

  test('planning from a precomputed directory before its end is refused', async () => {
    const w = writeWorld();
    const out = path.join(w.root, 'pre');
    expect((await precompute(w, out)).code).toBe(0);
    // The history ends at the latest traffic sample, 10:30.
    const r = await runCli(['plan', '--config', w.configDir, '--data', out, '--failed', 'us-west-2', '--at', '2026-11-23T10:00:00Z']);
    expectBadInput(r, 'precompute.json: dataEnd: history precomputed to 2026-11-23T10:30:00.000Z; planning at 2026-11-23T10:00:00.000Z is before that end');
    const after = await runCli(['plan', '--config', w.configDir, '--data', out, '--failed', 'us-west-2', '--at', '2026-11-23T10:30:00Z']);
    expect(after.code).toBe(0);
  });

  test('precompute refuses to write over the data it reads, or over raw data files', async () => {
    const w = writeWorld();
    const before = readFileSync(path.join(w.dataDir, 'device-traffic.csv'), 'utf8');
    expectBadInput(await precompute(w, w.dataDir), '--out is the --data directory being read');
    expectBadInput(await precompute(w, `${w.dataDir}/.`), '--out is the --data directory being read');
    const raw = path.join(w.root, 'raw-copy');
    mkdirSync(raw);
    writeFileSync(path.join(raw, 'device-traffic.csv'), before);
    expectBadInput(await precompute(w, raw), 'holds data files but no precompute.json');
    expect(readFileSync(path.join(w.dataDir, 'device-traffic.csv'), 'utf8')).toBe(before);
    expect(readFileSync(path.join(raw, 'device-traffic.csv'), 'utf8')).toBe(before);
    const out = path.join(w.root, 'pre');
    expect((await precompute(w, out)).code).toBe(0);
    expect((await precompute(w, out, '2026-11-23T12:00:00Z')).code).toBe(0);
  });
});

describe('output paths', () => {
  const noTemp = (dir: string) => expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

  test('plan --out DIR exits 2 naming it and leaves no temp file', async () => {
    const w = writeWorld();
    const dir = path.join(w.root, 'plan.json');
    mkdirSync(dir);
    expectBadInput(await plan(w, '--out', dir), `cannot write ${dir}: is a directory`);
    noTemp(w.root);
  });

  test('report --out-dir FILE exits 2 naming it', async () => {
    const w = writeWorld();
    const file = path.join(w.root, 'out');
    writeFileSync(file, 'x');
    const r = await runCli(['report', '--config', w.configDir, '--data', w.dataDir, '--out-dir', file]);
    expectBadInput(r, `cannot write ${path.join(file, 'report.md')}`, 'is a file');
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  test('precompute --out FILE exits 2 before reading anything', async () => {
    const w = writeWorld();
    const file = path.join(w.root, 'out');
    writeFileSync(file, 'x');
    expectBadInput(await runCli(['precompute', '--config', w.configDir, '--data', w.dataDir, '--out', file]), 'out: --out: is a file: expected a directory');
    expect(existsSync(path.join(w.root, 'out'))).toBe(true);
  });
});

describe('validate --strict', () => {
  test('says it failed, not ok, when warnings fail it', async () => {
    const w = writeWorld();
    const r = await validate(w, '--strict');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/failed \(--strict\): \d+ warning\(s\) treated as errors/);
    expect(r.stderr).not.toContain('ok:');
  });
});

describe('JSON inputs', () => {
  test('a plan file or a --baseline that is a directory or a FIFO exits 2 naming it, without blocking', async () => {
    const w = writeWorld();
    const fifo = path.join(w.root, 'plan.json');
    execFileSync('mkfifo', [fifo]);
    expectBadInput(
      await runCli(['apply', fifo, '--config', w.configDir, '--state-dir', path.join(w.root, 'state')]),
      `${fifo}: is a named pipe (FIFO): expected a regular file`,
    );
    expectBadInput(
      await runCli(['report', '--config', w.configDir, '--data', w.dataDir, '--baseline', w.dataDir]),
      `--baseline ${w.dataDir}: is a directory: expected a file`,
    );
  });
});

describe('numeric flags', () => {
  test('hex, binary and octal flag values exit 2 instead of being read as numbers', async () => {
    const w = writeWorld();
    expectBadInput(await plan(w, '--window', '0x1E'), '--window "0x1E": expected a whole number >= 0');
    expectBadInput(
      await runCli(['report', '--config', w.configDir, '--data', w.dataDir, '--threshold', '0b1']),
      '--threshold "0b1": expected a relative change >= 0',
    );
    expectBadInput(
      await runCli(['report', '--config', w.configDir, '--data', w.dataDir, '--stale-days', '0o7']),
      '--stale-days "0o7": expected a whole number >= 0',
    );
  });
});

describe('--source aws file flags', () => {
  test('a named --evacuations file that does not exist exits 2 before any AWS call', async () => {
    const w = writeWorld();
    const missing = path.join(w.root, 'nope.csv');
    const r = await plan(
      w,
      '--source',
      'aws',
      '--traces',
      path.join(w.dataDir, 'trace-samples.csv'),
      '--evacuations',
      missing,
      '--endpoint-url',
      'http://127.0.0.1:9',
    );
    expectBadInput(r, `--evacuations ${missing}: file not found`);
  });

  test("the data directory's evacuations.csv as a dangling link is an error, not absent", async () => {
    const w = writeWorld({ 'data/evacuations.csv': null });
    symlinkSync(path.join(w.root, 'gone.csv'), path.join(w.dataDir, 'evacuations.csv'));
    const r = await plan(w, '--source', 'aws', '--endpoint-url', 'http://127.0.0.1:9', '--region-timeout', '2000');
    expectBadInput(r, 'evacuations.csv: dangling symbolic link');
  });
});
