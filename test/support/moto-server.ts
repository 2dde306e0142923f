/**
 * Moto's server mode for the integration tests: a local virtualenv with moto installed on first
 * use, and one moto_server process per test file on a free loopback port.
 *
 * Never skips: when Python, venv or moto cannot be had, `ensureMoto` throws an Error that says
 * how to install them by hand.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const INSTALL_HINT = `Install it by hand with:\n  python3 -m venv .venv && .venv/bin/pip install -r test/support/requirements-moto.txt\n(run in ${PROJECT_ROOT}; Python 3.9 or later with the venv module is needed, e.g. apt-get install python3-venv)`;

/** The one line printed before moto is installed (by the tests, the demo, or by hand). */
export const MOTO_INSTALL_NOTICE = 'installing the AWS emulator moto into .venv (first run only, ~2 min)';

/** Credentials moto accepts; the tests never use real ones. */
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

/**
 * Environment for a child process (the evac CLI, moto) talking to moto: the test credentials,
 * and nothing of the developer's own AWS setup (profiles, tokens, endpoints).
 */
export function testAwsEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // AWS_* is the developer's own setup, except the switch that silences the SDK's Node-version notice.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') || k === 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') env[k] = v;
  return { ...env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

export interface MotoInstall {
  /** The virtualenv (default: .venv in the project root). */
  readonly venv?: string;
  /** The Python that creates it (default: $EVAC_PYTHON, else python3). */
  readonly python?: string;
}

/** A set of Python packages the tests install into `.venv` on first use (moto, pyspark). */
export interface VenvPackages {
  readonly name: string;
  /** The requirements file, relative to the project root. */
  readonly requirements: string;
  /** A file inside the venv that the install must leave (e.g. bin/moto_server). */
  readonly installs: string;
  /** The one line printed before installing, so the run does not look hung. */
  readonly notice: string;
  readonly hint: string;
}

const MOTO: VenvPackages = {
  name: 'moto',
  requirements: 'test/support/requirements-moto.txt',
  installs: path.join('bin', 'moto_server'),
  notice: MOTO_INSTALL_NOTICE,
  hint: INSTALL_HINT,
};

/** pyspark for the data-lake test (Spark SQL in local mode; Java 17+ comes from the system). */
export const PYSPARK: VenvPackages = {
  name: 'pyspark',
  requirements: 'test/support/requirements-spark.txt',
  installs: path.join('bin', 'pyspark'),
  notice: 'installing pyspark into .venv for the Spark SQL test (first run only, ~2 min)',
  hint: `Install it by hand with:\n  python3 -m venv .venv && .venv/bin/pip install -r test/support/requirements-spark.txt\n(run in ${PROJECT_ROOT})`,
};

interface Paths {
  readonly venv: string;
  readonly python: string;
  readonly installs: string;
  readonly lock: string;
  readonly stamp: string;
}

function paths(packages: VenvPackages, options: MotoInstall): Paths {
  const venv = options.venv ?? path.join(PROJECT_ROOT, '.venv');
  const digest = createHash('sha256')
    .update(readFileSync(path.join(PROJECT_ROOT, packages.requirements)))
    .digest('hex')
    .slice(0, 16);
  return {
    venv,
    python: options.python ?? process.env.EVAC_PYTHON ?? 'python3',
    installs: path.join(venv, packages.installs),
    // One lock for every install into the venv: two pips must not write it at once.
    lock: `${venv}.install-lock`,
    // Written after a successful install; a changed requirements file installs again.
    stamp: path.join(venv, `.evac-${packages.name}-${digest}`),
  };
}

function installed(p: Paths): boolean {
  return existsSync(p.installs) && existsSync(p.stamp);
}

/**
 * Makes sure `.venv/bin/moto_server` exists, installing moto from requirements-moto.txt on
 * first use.
 *
 * @throws Error with the manual install command when Python, venv or pip fails.
 */
export function ensureMoto(options: MotoInstall = {}): Promise<string> {
  return ensureVenvPackages(MOTO, options);
}

/**
 * Makes sure the packages are installed into the venv, from their requirements file, on first
 * use; resolves to the file they install. Several vitest workers may call this at once: the
 * install happens under a lock directory (mkdir is atomic), the others wait for it; a lock left
 * by a dead process is taken over.
 *
 * @throws Error with the manual install command when Python, venv or pip fails.
 */
export async function ensureVenvPackages(packages: VenvPackages, options: MotoInstall = {}): Promise<string> {
  const p = paths(packages, options);
  if (installed(p)) return p.installs;
  const deadline = Date.now() + 280_000;
  for (;;) {
    if (tryLock(p.lock)) {
      try {
        if (!installed(p)) await install(packages, p);
        return p.installs;
      } finally {
        rmSync(p.lock, { recursive: true, force: true });
      }
    }
    if (installed(p)) return p.installs;
    if (Date.now() > deadline) throw new Error(`timed out waiting for another process to install ${packages.name} (lock ${p.lock}). ${packages.hint}`);
    await sleep(500);
  }
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (lockIsStale(lock)) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - statSync(lock).mtimeMs > 10_000;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ESRCH: the holder is gone. ENOENT: the pid file is not written yet, or the lock was just released.
    return code === 'ESRCH' || (code === 'ENOENT' && existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10_000);
  }
}

async function install(packages: VenvPackages, p: Paths): Promise<void> {
  try {
    await run(p.python, ['--version']);
  } catch (error) {
    throw new Error(`${packages.name} is needed by the tests, but "${p.python}" cannot be run (${(error as Error).message}). ${packages.hint}`);
  }
  process.stderr.write(`${packages.notice}\n`);
  try {
    if (!existsSync(path.join(p.venv, 'bin', 'pip'))) await run(p.python, ['-m', 'venv', p.venv], { cwd: PROJECT_ROOT });
    await run(path.join(p.venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', '-r', path.join(PROJECT_ROOT, packages.requirements)], {
      cwd: PROJECT_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')
      .slice(-8)
      .join('\n');
    throw new Error(`could not install ${packages.name} into ${p.venv}: ${(error as Error).message.split('\n')[0]}\n${stderr}\n${packages.hint}`);
  }
  if (!existsSync(p.installs)) throw new Error(`pip installed the requirements but ${p.installs} is missing. ${packages.hint}`);
  writeFileSync(p.stamp, `${new Date().toISOString()}\n`);
}

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MotoServer {
  readonly port: number;
  /** The moto_server process; `stop()` ends it by this pid. */
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Forgets every resource in every region (moto's /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Installs moto if needed and starts `moto_server -H 127.0.0.1 -p PORT` on a free port, resolving
 * once it answers HTTP. Stop it with `stop()` (also done when the test process exits).
 */
export async function startMoto(): Promise<MotoServer> {
  const binary = await ensureMoto();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: testAwsEnv({ PYTHONUNBUFFERED: '1' }),
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswers(url, child, () => stderr);
    } catch (error) {
      lastError = error;
      await stopChild(child);
      continue;
    }
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    return {
      port,
      pid: child.pid ?? 0,
      url,
      async reset() {
        const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
        if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
      },
      async stop() {
        process.off('exit', onExit);
        await stopChild(child);
      },
    };
  }
  throw new Error(`moto_server did not start: ${(lastError as Error).message}`);
}

async function waitUntilAnswers(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited (${child.exitCode ?? child.signalCode}): ${stderr().trim().split('\n').slice(-5).join('\n')}`);
    }
    try {
      const response = await fetch(`${url}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`moto_server did not answer on ${url} within 30 s: ${stderr().trim().split('\n').slice(-5).join('\n')}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
