import type { ParseArgsConfig } from 'node:util';
import type { CliIO } from './io.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { readonly description: string; readonly valueName?: string };

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** One `evac` sub-command: flags in, exit code out. Work happens in src/services. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals?: { readonly min: number; readonly max: number };
  /** More help after the options (e.g. the keys of an interactive command), shown by --help. */
  readonly extraHelp?: string;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Options shared by the commands that read configs and data. */
export const CONFIG_OPTIONS = {
  config: { type: 'string', default: 'metrics-config', valueName: 'DIR', description: 'Config directory (evacuation.yaml, services/*.yaml)' },
  data: { type: 'string', default: 'fixtures', valueName: 'DIR', description: 'Data directory of the files source' },
} as const satisfies Record<string, OptionSpec>;

/** How old data may be before a plan or report flags it. */
export const STALE_OPTIONS = {
  'stale-days': {
    type: 'string',
    default: '2',
    valueName: 'DAYS',
    description: 'Flag stale-data (with a warning) when the data ends more than DAYS days before the time planned for',
  },
} as const satisfies Record<string, OptionSpec>;

/** Flags of the commands that plan (plan, apply) about data that cannot support a ratio. */
export const HISTORY_OPTIONS = {
  'allow-partial-history': {
    type: 'boolean',
    description:
      'Plan even when a region has no traffic history in a planned bucket (no-history), or a receiving region has only samples of 0 there (unbounded-ratio), instead of refusing (exit 2)',
  },
  ...STALE_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolOpt(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
