import type { AwsClients } from '../src/aws/clients.ts';
import type { LoadedConfig } from '../src/config/load-config.ts';
import { EvacError } from '../src/errors.ts';
import type { DataSource } from '../src/sources/data-source.ts';
import { FilesSource } from '../src/sources/files-source.ts';
import { AWS_OPTIONS, CLOUDWATCH_OPTIONS } from './aws-options.ts';
import { CONFIG_OPTIONS, type OptionSpec, type ParsedArgs, stringOpt } from './command.ts';
import type { CliIO } from './io.ts';

export const SOURCE_OPTIONS = {
  source: { type: 'string', default: 'files', valueName: 'NAME', description: 'files (default: CSV files in --data) or aws (CloudWatch)' },
} as const satisfies Record<string, OptionSpec>;

/** Every flag of the commands that read configs and planning data, from files or AWS. */
export const DATA_OPTIONS = { ...CONFIG_OPTIONS, ...SOURCE_OPTIONS, ...CLOUDWATCH_OPTIONS, ...AWS_OPTIONS } as const;

export interface SourceOptions {
  /** Print the OTLP trace report on stderr (default true). The terminal UI turns it off: it would tear the frame, and the UI shows the plan's warnings. */
  readonly traceReport?: boolean;
}

/** The data source the flags select. `clients`: the AWS clients to share (aws source); new ones otherwise. */
export async function sourceFromArgs(
  args: ParsedArgs,
  io: CliIO,
  _config: LoadedConfig,
  clients?: AwsClients,
  options: SourceOptions = {},
): Promise<DataSource> {
  const source = stringOpt(args, 'source') ?? 'files';
  const onTraceReport = options.traceReport === false ? undefined : traceReportToStderr(io);
  switch (source) {
    case 'files':
      return new FilesSource(stringOpt(args, 'data') ?? 'fixtures', {
        progress: progressTo(io),
        workers: workersFromEnv(io),
        ...(onTraceReport === undefined ? {} : { onTraceReport }),
      });
    case 'aws': {
      const aws = await import('./aws.ts');
      return aws.cloudWatchSourceFromArgs(args, clients ?? aws.awsClientsFromArgs(args, io), onTraceReport);
    }
    default:
      throw new EvacError(`--source "${source}": expected files or aws`);
  }
}

/** `EVAC_WORKERS`: worker threads for big CSV tables, `auto` (default), `never` or `always` (README, "Parquet, large files"). */
function workersFromEnv(io: CliIO): 'auto' | 'never' | 'always' {
  const value = io.env.EVAC_WORKERS ?? 'auto';
  if (value === 'auto' || value === 'never' || value === 'always') return value;
  throw new EvacError(`EVAC_WORKERS="${value}": expected auto, never or always`);
}

/** Progress lines of long reads, on stderr (stdout stays the command's output). */
export function progressTo(io: CliIO): (line: string) => void {
  return (line) => io.stderr.write(`evac: ${line}\n`);
}

/**
 * Runs `use` with the data source the flags select. With --source aws the SDK clients live
 * exactly as long as `use`, and --verbose lists the calls made once it is done.
 */
export async function withSource<T>(
  args: ParsedArgs,
  io: CliIO,
  config: LoadedConfig,
  use: (source: DataSource) => Promise<T>,
  options: SourceOptions = {},
): Promise<T> {
  if (stringOpt(args, 'source') !== 'aws') return use(await sourceFromArgs(args, io, config, undefined, options));
  const aws = await import('./aws.ts');
  const clients = aws.awsClientsFromArgs(args, io);
  try {
    const result = await use(await sourceFromArgs(args, io, config, clients, options));
    aws.reportApiCalls(args, io, clients);
    return result;
  } finally {
    clients.destroy();
  }
}

/** The OTLP trace report (see docs/traces.md), on stderr: what was counted and every problem found. */
export function traceReportToStderr(io: CliIO): (lines: readonly string[]) => void {
  return (lines) => io.stderr.write(lines.map((l) => `${l}\n`).join(''));
}
