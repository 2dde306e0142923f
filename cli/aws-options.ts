import { DEFAULT_REGION_TIMEOUT_MS } from '../src/async/regions.ts';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS } from '../src/aws/defaults.ts';
import { EvacError } from '../src/errors.ts';
import type { OptionSpec, ParsedArgs } from './command.ts';
import type { CliIO } from './io.ts';
import { intOpt } from './options.ts';

// The flags of the commands that call AWS. The SDK-backed helpers are in cli/aws.ts, which
// commands import only when they call AWS, so that `evac plan` on files starts quickly.

/** Flags of every command that calls AWS. */
export const AWS_OPTIONS = {
  'endpoint-url': {
    type: 'string',
    multiple: true,
    valueName: 'URL|REGION=URL',
    description: "Send AWS calls to URL (every region) or, as REGION=URL, one region's; repeatable (default: AWS_ENDPOINT_URL, else AWS)",
  },
  profile: { type: 'string', valueName: 'NAME', description: 'AWS profile from ~/.aws/config (default: the standard chain, AWS_PROFILE)' },
  'region-timeout': {
    type: 'string',
    valueName: 'MS',
    description: `Time each region has to answer before it is reported unreachable (default ${DEFAULT_REGION_TIMEOUT_MS})`,
  },
  'call-timeout': { type: 'string', valueName: 'MS', description: `Time one HTTP attempt of an AWS call may take (default ${DEFAULT_CALL_TIMEOUT_MS})` },
  'max-attempts': {
    type: 'string',
    valueName: 'N',
    description: `Attempts per AWS call, retries of throttling/5xx included (default ${DEFAULT_MAX_ATTEMPTS})`,
  },
  verbose: { type: 'boolean', description: 'Print the AWS API calls made, by API, on stderr' },
} as const satisfies Record<string, OptionSpec>;

/** Flags of `--source aws` (with AWS_OPTIONS). */
export const CLOUDWATCH_OPTIONS = {
  history: {
    type: 'string',
    valueName: 'DIR',
    description:
      'With --source aws: traffic, traces and demand from DIR (evac precompute output); only capacity and Min/Max live from AWS, the failed region never called',
  },
  traces: {
    type: 'string',
    valueName: 'PATH',
    description:
      'Trace counts for --source aws: a CSV (timestamp,region,service,device_type,count) or OTLP spans (a directory, or a .json[l], .binpb or .pb file, optionally .gz, see docs/traces.md) (default: DATA/trace-samples.csv or DATA/traces/)',
  },
  evacuations: {
    type: 'string',
    valueName: 'PATH',
    description:
      'Past evacuations CSV for --source aws: start,end,failed_region, left out of the history (default without --traces: DATA/evacuations.csv if present)',
  },
} as const satisfies Record<string, OptionSpec>;

export function regionTimeoutFromArgs(args: ParsedArgs): number {
  return intOpt(args, 'region-timeout', DEFAULT_REGION_TIMEOUT_MS, 1);
}

/**
 * Asks a yes/no question on stderr and reads the answer from stdin. Without a terminal there
 * is no one to ask: the caller must pass --yes.
 */
export async function askYesNo(io: CliIO, question: string): Promise<boolean> {
  if (io.stdin?.isTTY !== true) {
    throw new EvacError('confirmation needed, but stdin is not a terminal', { hint: 'pass --yes to proceed without asking, or --dry-run to see the calls' });
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
