import { EvacError, EXIT } from '../src/errors.ts';
import packageJson from '../package.json' with { type: 'json' };
import type { Command } from './command.ts';
import { applyCommand } from './commands/apply.ts';
import { backtestCommand } from './commands/backtest.ts';
import { completionCommand } from './commands/completion.ts';
import { planCommand } from './commands/plan.ts';
import { precomputeCommand } from './commands/precompute.ts';
import { reportCommand } from './commands/report.ts';
import { restoreCommand } from './commands/restore.ts';
import { schemaCommand } from './commands/schema.ts';
import { statusCommand } from './commands/status.ts';
import { uiCommand } from './commands/ui.ts';
import { validateCommand } from './commands/validate.ts';
import { closestFlag, parseFlags, SHORT_FLAGS } from './flags.ts';
import { type CliIO, processIO } from './io.ts';

/** Every sub-command, in the order `evac help` lists them. */
export const COMMANDS: readonly Command[] = [
  planCommand,
  precomputeCommand,
  applyCommand,
  statusCommand,
  restoreCommand,
  reportCommand,
  backtestCommand,
  uiCommand,
  validateCommand,
  schemaCommand,
  completionCommand(() => COMMANDS),
];

/** evac's version, from package.json. */
export const VERSION: string = packageJson.version;

export { EXIT };

const EXAMPLES: readonly (readonly [string, string])[] = [
  ['evac plan -f us-west-2', 'plan the evacuation of us-west-2 (fixtures/)'],
  ['evac plan -f us-west-2 --at 18:00 --window 240', 'the worst bucket of 18:00-22:00 UTC today'],
  ['evac plan -f us-west-2 --source aws -o plan.json', 'from CloudWatch, saved for review'],
  ['evac apply plan.json --wait', 'pre-scale exactly that plan, then wait'],
  ['evac status', 'running capacity vs the new minimums'],
  ['evac restore --snapshot .evac-state/snapshots/F', 'back to the prior Min/Max'],
  ['evac report --out-dir out/', 'readiness of every scenario (CI)'],
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'evac: regional evacuation capacity planner',
    '',
    'Usage: evac <command> [options]   (evac <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Examples:',
    ...EXAMPLES.map(([command, what]) => `  ${command}\n      ${what}`),
    '',
    'Exit codes:',
    '  0  ok',
    '  1  a bug in evac (the message says so)',
    '  2  bad input: config, data or flags',
    '  3  report: not ready (a gate failed)',
    '  4  apply/restore refused: nothing changed',
    '  5  partial: a target failed, a wait timed out, or a region could not be read',
    '',
    'evac --version: the version.  evac completion bash|zsh|fish: a completion script.',
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const flags = Object.entries(command.options).map(([name, o]) => {
    const short = SHORT_FLAGS[name];
    const left = `${short ? `-${short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    const def = o.default !== undefined && o.type === 'string' ? ` (default: ${String(o.default)})` : '';
    return `  ${left.padEnd(28)} ${o.description}${def}`;
  });
  const extra = command.extraHelp === undefined ? [] : ['', command.extraHelp.trimEnd()];
  return [`Usage: ${command.usage}`, '', command.summary, '', 'Options:', ...flags, `  ${'--help'.padEnd(28)} Show this help`, ...extra, ''].join('\n');
}

/** Runs the CLI; returns the exit code. Only here are errors printed. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const command = COMMANDS.find((c) => c.name === rest[0]);
    io.stdout.write(command ? commandHelp(command) : usage());
    return EXIT.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const guess = closestFlag(
      name,
      COMMANDS.map((c) => c.name),
    );
    io.stderr.write(`evac: unknown command "${name}"${guess ? `; did you mean "${guess}"?` : ''}\n\n${usage()}`);
    return EXIT.badInput;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  try {
    const args = parseFlags(command, rest);
    return await command.run(args, io);
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof EvacError) {
    io.stderr.write(`evac: ${error.message}\n`);
    if (error.options.hint) io.stderr.write(`hint: ${error.options.hint}\n`);
    if (error.cause instanceof Error) io.stderr.write(`cause: ${error.cause.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`evac: internal error (a bug, please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.bug;
}
