import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { EvacError } from '../../src/errors.ts';
import { writeFileAtomic } from '../../src/state/atomic-write.ts';
import { ROOT } from '../support/run-cli.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'evac-atomic-'));

function writeError(file: string, content = 'x'): EvacError {
  try {
    writeFileAtomic(file, content);
  } catch (error) {
    if (error instanceof EvacError) return error;
    throw error;
  }
  throw new Error('expected the write to fail');
}

describe('writeFileAtomic', () => {
  test('replaces the whole content and leaves no temp file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, 'old content that is longer than the new one');
    writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });

  test('creates missing parent directories', () => {
    const dir = tempDir();
    writeFileAtomic(path.join(dir, 'a', 'b', 'report.md'), '# r\n');
    expect(readFileSync(path.join(dir, 'a', 'b', 'report.md'), 'utf8')).toBe('# r\n');
  });

  test('a directory in place of the file is exit 2 naming it; nothing is left behind', () => {
    const dir = tempDir();
    const target = path.join(dir, 'plan.json');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'kept');
    const error = writeError(target);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`cannot write ${target}: is a directory: expected a file path to write`);
    expect(readdirSync(dir)).toEqual(['plan.json']);
    expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept');
  });

  test('a file where a parent directory should be is exit 2 naming it', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'out'), 'a file');
    const error = writeError(path.join(dir, 'out', 'report.md'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`cannot write ${path.join(dir, 'out', 'report.md')}: cannot create its directory`);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  test('a reader in another process sees the old content or the new, never a torn file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state.json');
    const size = 2 * 1024 * 1024;
    writeFileSync(file, 'a'.repeat(size));
    const script = `import { writeFileAtomic } from ${JSON.stringify(path.join(ROOT, 'src/state/atomic-write.ts'))};
      for (let i = 0; i < 60; i++) writeFileAtomic(${JSON.stringify(file)}, (i % 2 ? 'a' : 'b').repeat(${size}));`;
    const writer = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    writer.stderr.on('data', (d) => (err += d));
    const done = new Promise<number | null>((resolve) => writer.on('close', resolve));
    let finished = false;
    void done.then(() => (finished = true));
    let reads = 0;
    while (!finished) {
      const text = readFileSync(file, 'utf8');
      expect(text.length).toBe(size);
      expect(text === 'a'.repeat(size) || text === 'b'.repeat(size)).toBe(true);
      reads += 1;
      await new Promise((r) => setImmediate(r));
    }
    expect(await done, err).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(existsSync(file)).toBe(true);
  }, 60_000);
});
