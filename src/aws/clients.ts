import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Result } from '../errors.ts';
import { getOrInsert } from '../model/get-or-insert.ts';
import { ApiCallCounter } from './api-calls.ts';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS } from './defaults.ts';

/** Where to send the calls of each region instead of the public AWS endpoints. */
export interface EndpointOverrides {
  /** For every region (`--endpoint-url URL`). */
  readonly all?: string;
  /** For one region (`--endpoint-url REGION=URL`); wins over `all`. */
  readonly byRegion: Readonly<Record<string, string>>;
}

/** Static credentials (tests against an emulator). */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsClientOptions {
  /** A named profile of the shared config files (`--profile`); the default chain otherwise. */
  readonly profile?: string;
  readonly endpoints?: EndpointOverrides;
  /** Attempts per call, first included (the SDK's adaptive retry mode). Default 4. */
  readonly maxAttempts?: number;
  /** Time to open a connection. Default 3,000 ms. */
  readonly connectTimeoutMs?: number;
  /** Time one HTTP attempt may take. Default 10,000 ms. */
  readonly callTimeoutMs?: number;
  /** Static credentials, for tests against an emulator; the standard chain otherwise. */
  readonly credentials?: StaticCredentials;
  /** Environment read for AWS_ENDPOINT_URL (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

/**
 * Parses the values of repeated `--endpoint-url` flags: `URL` for every region, or
 * `REGION=URL` for one region.
 */
export function parseEndpointFlags(values: readonly string[], file = '--endpoint-url'): Result<EndpointOverrides> {
  let all: string | undefined;
  const byRegion: Record<string, string> = {};
  const issues: { file: string; message: string }[] = [];
  for (const value of values) {
    const match = /^([a-z]{2}(?:-[a-z]+)+-\d+)=(.*)$/.exec(value);
    const url = match ? match[2]! : value;
    if (!isHttpUrl(url)) {
      issues.push({
        file,
        message: `"${value}" is not an http(s) URL: expected URL or REGION=URL, e.g. http://127.0.0.1:5000 or us-east-1=http://127.0.0.1:5000`,
      });
      continue;
    }
    if (match) byRegion[match[1]!] = url;
    else if (all !== undefined && all !== url)
      issues.push({ file, message: `two endpoints for every region (${all}, ${url}): give one URL, and REGION=URL for the others` });
    else all = url;
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, data: all === undefined ? { byRegion } : { all, byRegion } };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The endpoint of a region: `REGION=URL`, else the all-regions URL, else AWS_ENDPOINT_URL,
 * else undefined (the SDK's own resolution: the public endpoint, or AWS_ENDPOINT_URL_<SERVICE>).
 */
export function endpointFor(
  region: string,
  overrides: EndpointOverrides | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  return overrides?.byRegion[region] ?? overrides?.all ?? (env.AWS_ENDPOINT_URL || undefined);
}

/**
 * One SDK client per region and service, built on first use and shared afterwards, all
 * counting their calls in `calls`. Adaptive retries (backoff with jitter, client-side rate
 * limiting after throttling) capped at `maxAttempts`, and a timeout per HTTP attempt.
 */
export class AwsClients {
  readonly calls = new ApiCallCounter();
  private readonly cloudWatchClients = new Map<string, CloudWatchClient>();
  private readonly autoScalingClients = new Map<string, ApplicationAutoScalingClient>();

  constructor(readonly options: AwsClientOptions = {}) {}

  cloudWatch(region: string): CloudWatchClient {
    return getOrInsert(this.cloudWatchClients, region, () => {
      const client = new CloudWatchClient(this.config(region));
      this.calls.attach(client.middlewareStack, region);
      return client;
    });
  }

  autoScaling(region: string): ApplicationAutoScalingClient {
    return getOrInsert(this.autoScalingClients, region, () => {
      const client = new ApplicationAutoScalingClient(this.config(region));
      this.calls.attach(client.middlewareStack, region);
      return client;
    });
  }

  /** Closes the clients' sockets so the process can exit. */
  destroy(): void {
    for (const client of [...this.cloudWatchClients.values(), ...this.autoScalingClients.values()]) client.destroy();
    this.cloudWatchClients.clear();
    this.autoScalingClients.clear();
  }

  private config(region: string) {
    const o = this.options;
    const endpoint = endpointFor(region, o.endpoints, o.env ?? process.env);
    return {
      region,
      retryMode: 'adaptive',
      maxAttempts: o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      requestHandler: {
        connectionTimeout: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        requestTimeout: o.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
        // Without it the SDK only logs a warning when requestTimeout passes.
        throwOnRequestTimeout: true,
      },
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(o.profile === undefined ? {} : { profile: o.profile }),
      ...(o.credentials === undefined ? {} : { credentials: o.credentials }),
    };
  }
}
