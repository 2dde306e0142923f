// The SDK-backed side of the AWS flags: clients, sources and adapters. Import it lazily
// (`await import('./aws.ts')`): loading the AWS SDK costs start-up time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AutoScalingScaler } from '../src/aws/aas-scaler.ts';
import { AwsClients, parseEndpointFlags } from '../src/aws/clients.ts';
import { CloudWatchCapacityReader } from '../src/aws/current-capacity.ts';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS } from '../src/aws/defaults.ts';
import { EvacError, unwrap } from '../src/errors.ts';
import { inspectPath } from '../src/input-file.ts';
import { CloudWatchSource } from '../src/sources/cloudwatch-source.ts';
import type { DataSource } from '../src/sources/data-source.ts';
import { FilesSource } from '../src/sources/files-source.ts';
import { dataDirTraces } from '../src/sources/trace-input.ts';
import { LiveCapacitySource } from '../src/sources/live-capacity-source.ts';
import { regionTimeoutFromArgs } from './aws-options.ts';
import { type ParsedArgs, stringOpt } from './command.ts';
import type { CliIO } from './io.ts';
import { intOpt } from './options.ts';

// evac supports Node 20, which the SDK versions locked here support too; their notice that
// later versions will need Node 22 would only be noise on stderr during an incident (README,
// "Node and the AWS SDK"). A user who sets the variable keeps their choice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The SDK clients the AWS flags describe; destroy them when done. */
export function awsClientsFromArgs(args: ParsedArgs, io: CliIO): AwsClients {
  const raw = args.values['endpoint-url'];
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const endpoints = unwrap(parseEndpointFlags(values), 'e.g. --endpoint-url http://127.0.0.1:5000 or --endpoint-url us-west-2=http://127.0.0.1:5001');
  const profile = stringOpt(args, 'profile');
  return new AwsClients({
    endpoints,
    env: io.env,
    maxAttempts: intOpt(args, 'max-attempts', DEFAULT_MAX_ATTEMPTS, 1),
    callTimeoutMs: intOpt(args, 'call-timeout', DEFAULT_CALL_TIMEOUT_MS, 1),
    ...(profile === undefined ? {} : { profile }),
  });
}

/**
 * `--source aws`: CloudWatch for metrics, Application Auto Scaling for Min/Max, --traces (or
 * --data) for traces; with --history DIR, the history from DIR and only capacity from AWS.
 */
export function cloudWatchSourceFromArgs(args: ParsedArgs, clients: AwsClients, onTraceReport?: (lines: readonly string[]) => void): DataSource {
  const history = stringOpt(args, 'history');
  if (history !== undefined) {
    if (!existsSync(history)) throw new EvacError(`--history ${history}: directory not found`, { hint: 'write it with evac precompute --out DIR' });
    return new LiveCapacitySource({
      history: new FilesSource(history, onTraceReport === undefined ? {} : { onTraceReport }),
      clients,
      scaler: scalerFor(clients),
      regionTimeoutMs: regionTimeoutFromArgs(args),
    });
  }
  // Trace shares are not in CloudWatch: they come from a file, by default the files source's.
  const data = stringOpt(args, 'data') ?? 'fixtures';
  const traces = stringOpt(args, 'traces') ?? unwrap(dataDirTraces(data)) ?? path.join(data, 'trace-samples.csv');
  if (!existsSync(traces)) {
    throw new EvacError(`--source aws reads trace shares from a file, and ${traces} does not exist`, {
      hint: 'name it with --traces PATH (a trace-samples CSV: timestamp,region,service,device_type,count; or OTLP span files: a directory or .json[l], .binpb or .pb (optionally .gz), see docs/traces.md)',
    });
  }
  // Past evacuations: --evacuations, or the data directory's when the traces come from there too.
  // A named file must exist; the data directory's may be absent, but not a broken link.
  const dataEvacuations = path.join(data, 'evacuations.csv');
  const named = stringOpt(args, 'evacuations');
  if (named !== undefined && inspectPath(named).kind === 'absent') {
    throw new EvacError(`--evacuations ${named}: file not found`, { hint: 'name an existing start,end,failed_region CSV, or drop --evacuations' });
  }
  const evacuations = named ?? (stringOpt(args, 'traces') === undefined && inspectPath(dataEvacuations).kind !== 'absent' ? dataEvacuations : undefined);
  return new CloudWatchSource({
    clients,
    scaler: new AutoScalingScaler({ clients }),
    tracesFile: traces,
    ...(onTraceReport === undefined ? {} : { onTraceReport }),
    regionTimeoutMs: regionTimeoutFromArgs(args),
    ...(evacuations === undefined ? {} : { evacuationsFile: evacuations }),
  });
}

/** `--verbose`: the calls made, by API and region, on stderr. */
export function reportApiCalls(args: ParsedArgs, io: CliIO, clients: AwsClients): void {
  if (args.values.verbose !== true) return;
  const calls = clients.calls.calls();
  const attempts = clients.calls.attempts();
  const lines = Object.entries(calls).map(([api, n]) => `  ${api}: ${n}${(attempts[api] ?? n) > n ? ` (${attempts[api]} attempts)` : ''}`);
  const regions = Object.entries(clients.calls.byRegion()).map(([r, n]) => `${r} ${n}`);
  io.stderr.write(
    `AWS API calls: ${clients.calls.total()}${regions.length > 0 ? ` (${regions.join(', ')})` : ''}\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`,
  );
}

/** The Application Auto Scaling adapter over these clients. */
export function scalerFor(clients: AwsClients): AutoScalingScaler {
  return new AutoScalingScaler({ clients });
}

/** Current capacity read from CloudWatch over these clients. */
export function capacityReaderFor(clients: AwsClients): CloudWatchCapacityReader {
  return new CloudWatchCapacityReader(clients);
}
