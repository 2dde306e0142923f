import { parseArgs } from 'node:util';
import { EvacError } from '../src/errors.ts';
import type { Command, ParsedArgs } from './command.ts';
import { applyCommand } from './commands/apply.ts';
import { planCommand } from './commands/plan.ts';
import { precomputeCommand } from './commands/precompute.ts';
import { reportCommand } from './commands/report.ts';
import { restoreCommand } from './commands/restore.ts';
import { schemaCommand } from './commands/schema.ts';
import { statusCommand } from './commands/status.ts';
import { uiCommand } from './commands/ui.ts';
import { validateCommand } from './commands/validate.ts';
import { type CliIO, processIO } from './io.ts';

/** Every sub-command, in the order `evac help` lists them. */
export const COMMANDS: readonly Command[] = [planCommand, precomputeCommand, applyCommand, statusCommand, restoreCommand, reportCommand, uiCommand, validateCommand, schemaCommand];

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'evac: regional evacuation capacity planner',
    '',
    'Usage: evac <command> [options]   (evac <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const flags = Object.entries(command.options).map(([name, o]) => {
    const left = `--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
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
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`evac: unknown command "${name}"\n\n${usage()}`);
    return EXIT.badInput;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  try {
    const args = parse(command, rest);
    return await command.run(args, io);
  } catch (error) {
    return reportError(error, io);
  }
}

function parse(command: Command, argv: readonly string[]): ParsedArgs {
  const options = Object.fromEntries(Object.entries(command.options).map(([k, { description: _d, valueName: _v, ...o }]) => [k, o]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new EvacError(`${command.name}: ${(error as Error).message}`, { hint: `evac ${command.name} --help lists the options` });
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new EvacError(`${command.name}: unexpected arguments ${parsed.positionals.join(' ') || '(none)'}`, { hint: `usage: ${command.usage}` });
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof EvacError) {
    io.stderr.write(`evac: ${error.message}\n`);
    if (error.options.hint) io.stderr.write(`hint: ${error.options.hint}\n`);
    if (error.cause instanceof Error) io.stderr.write(`cause: ${error.cause.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`evac: internal error (a bug, please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}
