/**
 * A loopback HTTP proxy in front of moto that injects the failures AWS APIs really produce
 * (throttling, 429, 5xx, dropped connections, hung requests) and counts requests per API.
 *
 * The API of a request is read the way AWS routes it: the `X-Amz-Target` header for the JSON
 * protocols (Application Auto Scaling, ECS, and CloudWatch, whose current SDK speaks AWS JSON 1.0
 * in "awsQueryCompatible" mode), the `Action` form field for the query protocol, or the
 * `/operation/NAME` path for Smithy RPC v2 CBOR.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mulberry32 } from '../../src/model/mulberry32.ts';

/**
 * - `throttle`: HTTP 400 with the protocol's throttling error (ThrottlingException; for
 *   CloudWatch also the awsQueryCompatible `x-amzn-query-error: Throttling;Sender` header).
 * - `429`, `500`, `502`, `503`: that status with a short non-AWS body, as a load balancer sends.
 * - `reset`: the connection is destroyed without an answer.
 * - `hang`: no answer at all until the client gives up (or the proxy closes).
 */
export type FaultKind = 'throttle' | 429 | 500 | 502 | 503 | 'reset' | 'hang';

export interface FaultRule {
  readonly fault: FaultKind;
  /** Only requests to this API (e.g. `RegisterScalableTarget`); every API when absent. */
  readonly api?: string;
  /** Only requests whose body contains this text (e.g. a resource id). */
  readonly bodyIncludes?: string;
  /** Fail the matching requests numbered from..to (1-based, counted per rule). Default: all. */
  readonly from?: number;
  readonly to?: number;
  /** Fail this fraction of the matching requests in the from..to range, drawn from the seeded RNG. */
  readonly fraction?: number;
}

export interface ProxiedRequest {
  readonly api: string;
  /** The fault injected, or undefined when the request went through to moto. */
  readonly fault: FaultKind | undefined;
  readonly body: string;
}

export interface FaultProxy {
  readonly port: number;
  readonly url: string;
  /** Requests received per API, injected or not. */
  counts(): Record<string, number>;
  /** Requests answered with a fault, per API. */
  injected(): Record<string, number>;
  /** Every request, in arrival order. */
  log(): readonly ProxiedRequest[];
  /** Replaces the rules and restarts their counters (and the RNG, given a seed); the first matching rule wins. */
  setRules(rules: readonly FaultRule[], seed?: number): void;
  /** Clears the counts and the log (not the rules). */
  resetCounts(): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Where to forward, e.g. moto's http://127.0.0.1:PORT. */
  readonly target: string;
  readonly rules?: readonly FaultRule[];
  /** Seed of the RNG that `fraction` draws from. */
  readonly seed?: number;
  /** Added to every forwarded request, like the round trip to a real AWS endpoint. */
  readonly latencyMs?: number;
}

/** The AWS API a request calls, from its routing header, form body or path. */
export function apiOf(headers: IncomingMessage['headers'], url: string, body: string): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) return target.slice(target.lastIndexOf('.') + 1);
  const cbor = /\/operation\/([A-Za-z0-9]+)/.exec(url);
  if (cbor?.[1]) return cbor[1];
  const action = new URLSearchParams(body).get('Action') ?? new URL(url, 'http://x').searchParams.get('Action');
  return action ?? 'unknown';
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  let random = mulberry32(options.seed ?? 1);
  let rules: readonly FaultRule[] = options.rules ?? [];
  let matched: number[] = rules.map(() => 0);
  let counts: Record<string, number> = {};
  let injectedCounts: Record<string, number> = {};
  let requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();

  const pick = (api: string, body: string): FaultKind | undefined => {
    for (const [i, rule] of rules.entries()) {
      if (rule.api !== undefined && rule.api !== api) continue;
      if (rule.bodyIncludes !== undefined && !body.includes(rule.bodyIncludes)) continue;
      const n = (matched[i] ?? 0) + 1;
      matched[i] = n;
      if (n < (rule.from ?? 1) || n > (rule.to ?? Number.POSITIVE_INFINITY)) continue;
      if (rule.fraction !== undefined && random() >= rule.fraction) continue;
      return rule.fault;
    }
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const api = apiOf(req.headers, req.url ?? '/', body);
      counts[api] = (counts[api] ?? 0) + 1;
      const fault = pick(api, body);
      requests.push({ api, fault, body });
      if (fault !== undefined) {
        injectedCounts[api] = (injectedCounts[api] ?? 0) + 1;
        inject(fault, req, res);
        return;
      }
      if (options.latencyMs) setTimeout(() => forward(req, raw, res), options.latencyMs);
      else forward(req, raw, res);
    });
  });

  const inject = (fault: FaultKind, req: IncomingMessage, res: ServerResponse) => {
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    if (fault === 'throttle') {
      const target = String(req.headers['x-amz-target'] ?? '');
      const contentType = String(req.headers['content-type'] ?? '');
      if (target !== '') {
        const headers: Record<string, string> = { 'content-type': contentType || 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fault-proxy' };
        // CloudWatch's JSON protocol is "awsQueryCompatible": its errors also carry the query-protocol code.
        if (target.startsWith('GraniteServiceVersion20100801.')) headers['x-amzn-query-error'] = 'Throttling;Sender';
        res.writeHead(400, headers).end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      } else if (contentType.includes('cbor')) {
        // Not needed by the clients evac uses; answered as a bare 429 so it still reads as throttling.
        res.writeHead(429, { 'content-type': 'text/plain' }).end('Rate exceeded');
      } else {
        res
          .writeHead(400, { 'content-type': 'text/xml' })
          .end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>',
          );
      }
      return;
    }
    const text = fault === 429 ? 'Too Many Requests' : fault === 500 ? 'Internal Server Error' : fault === 502 ? 'Bad Gateway' : 'Service Unavailable';
    res.writeHead(fault, { 'content-type': 'text/plain' }).end(text);
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const upstream = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'content-length': String(body.length) } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    upstream.end(body);
  };

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    injected: () => ({ ...injectedCounts }),
    log: () => [...requests],
    setRules(next, seed) {
      rules = next;
      if (seed !== undefined) random = mulberry32(seed);
      matched = next.map(() => 0);
    },
    resetCounts() {
      counts = {};
      injectedCounts = {};
      requests = [];
    },
    close() {
      for (const res of hung) res.destroy();
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
