/**
 * Writes realistic OTLP/JSON span files for the OTLP benchmark: the OpenTelemetry Collector file
 * exporter's format (one ExportTraceServiceRequest per line), in the exact shape the official
 * SDK's JSON serializer writes (test/sources/otlp/otlp-sdk-shape.test.ts holds it to that).
 *
 * Each trace is a fan-out tree of 5 to 50 spans over several services: a SERVER root at the
 * edge (user agent from a mix of apps and browsers), CLIENT -> SERVER pairs for each call
 * between services, CONSUMER spans for queued work, INTERNAL spans inside a service. Spans are
 * batched 512 to a line (the BatchSpanProcessor default), grouped by resource per line.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { mulberry32 } from '../src/model/mulberry32.ts';

const SERVICES = [
  'edge-api',
  'playback-api',
  'catalog',
  'recommendations',
  'user-profile',
  'billing',
  'search',
  'image-resizer',
  'session-store',
  'license-server',
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const AGENTS = [
  'ExoPlayerLib/2.19.1 (Linux; Android 14) Streamer/8.2.0',
  'Streamer/8.2.1 (iPhone; iOS 17.5; Scale/3.00)',
  'Streamer/8.2.1 (iPad; iOS 17.4; Scale/2.00)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Tizen 6.5) AppleWebKit/537.36 SmartTV Streamer/5.1',
  'Roku/DVP-12.5 (12.5.0.4178)',
];

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: number } }[];
  droppedAttributesCount: 0;
  events: [];
  droppedEventsCount: 0;
  status: { code: number };
  links: [];
  droppedLinksCount: 0;
  flags: 257;
}

export interface OtlpBenchOptions {
  readonly dir: string;
  readonly spans: number;
  readonly files: number;
  /** Start of the traces, epoch seconds; they spread over `days`. */
  readonly from: number;
  readonly days: number;
  readonly gzip?: boolean;
  readonly seed?: number;
}

/** Writes about `spans` spans into `files` files; returns the file names and the spans written. */
export async function writeOtlpBench(options: OtlpBenchOptions): Promise<{ files: string[]; spans: number }> {
  const rand = mulberry32(options.seed ?? 7);
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += ((rand() * 16) | 0).toString(16);
    return s;
  };
  const pick = <T>(xs: readonly T[]) => xs[(rand() * xs.length) | 0]!;
  const perFile = Math.ceil(options.spans / options.files);
  const names: string[] = [];
  let written = 0;
  for (let f = 0; f < options.files; f++) {
    const file = `${options.dir}/spans-${String(f).padStart(3, '0')}.jsonl${options.gzip ? '.gz' : ''}`;
    names.push(file);
    const out = createWriteStream(file);
    const gz = options.gzip ? createGzip({ level: 1 }) : undefined;
    if (gz) gz.pipe(out);
    const sink = gz ?? out;
    let batch: { resource: string; region: string; span: Span }[] = [];
    const flush = async () => {
      const byResource = new Map<string, Span[]>();
      for (const b of batch) {
        const key = `${b.resource}|${b.region}`;
        const list = byResource.get(key);
        if (list) list.push(b.span);
        else byResource.set(key, [b.span]);
      }
      const request = {
        resourceSpans: [...byResource].map(([key, spans]) => {
          const [service, region] = key.split('|') as [string, string];
          return {
            resource: {
              attributes: [
                { key: 'service.name', value: { stringValue: service } },
                { key: 'cloud.region', value: { stringValue: region } },
                { key: 'cloud.provider', value: { stringValue: 'aws' } },
                { key: 'deployment.environment.name', value: { stringValue: 'production' } },
                { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } },
                { key: 'telemetry.sdk.name', value: { stringValue: 'opentelemetry' } },
                { key: 'telemetry.sdk.version', value: { stringValue: '2.12.1' } },
              ],
              droppedAttributesCount: 0,
            },
            scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.210.0' }, spans }],
          };
        }),
      };
      batch = [];
      if (!sink.write(`${JSON.stringify(request)}\n`)) await once(sink, 'drain');
    };
    for (let n = 0; n < perFile && written < options.spans; ) {
      const traceId = hex(32);
      const region = pick(REGIONS);
      const t0 = options.from + rand() * options.days * 86_400;
      const size = 5 + ((rand() * 46) | 0);
      const nanos = (t: number) => `${Math.floor(t)}${String(Math.floor((t % 1) * 1e9)).padStart(9, '0')}`;
      const make = (service: string, parent: string | undefined, kind: number, at: number, attributes: Span['attributes']): Span => {
        const span: Span = {
          traceId,
          spanId: hex(16),
          ...(parent === undefined ? {} : { parentSpanId: parent }),
          name: kind === 3 ? 'GET' : `${kind === 5 ? 'process' : 'GET'} /${service}`,
          kind,
          startTimeUnixNano: nanos(at),
          endTimeUnixNano: nanos(at + 0.005 + rand() * 0.1),
          attributes,
          droppedAttributesCount: 0,
          events: [],
          droppedEventsCount: 0,
          status: { code: 0 },
          links: [],
          droppedLinksCount: 0,
          flags: 257,
        };
        batch.push({ resource: service, region, span });
        return span;
      };
      const http = (method: string, route: string, status: number) => [
        { key: 'http.request.method', value: { stringValue: method } },
        { key: 'http.route', value: { stringValue: route } },
        { key: 'url.scheme', value: { stringValue: 'https' } },
        { key: 'http.response.status_code', value: { intValue: status } },
        { key: 'network.protocol.version', value: { stringValue: '1.1' } },
      ];
      const root = make(SERVICES[0]!, undefined, 2, t0, [
        ...http('GET', '/v1/play', 200),
        { key: 'user_agent.original', value: { stringValue: pick(AGENTS) } },
        { key: 'client.address', value: { stringValue: `10.${(rand() * 255) | 0}.${(rand() * 255) | 0}.${(rand() * 255) | 0}` } },
      ]);
      let count = 1;
      const callers: { service: string; spanId: string }[] = [{ service: SERVICES[0]!, spanId: root.spanId }];
      while (count < size) {
        const caller = pick(callers);
        const roll = rand();
        if (roll < 0.15 || size - count < 2) {
          make(caller.service, caller.spanId, 1, t0 + rand() * 0.05, [{ key: 'code.function.name', value: { stringValue: 'render' } }]);
          count += 1;
          continue;
        }
        const callee = SERVICES[1 + ((rand() * (SERVICES.length - 1)) | 0)]!;
        const at = t0 + rand() * 0.05;
        const client = make(caller.service, caller.spanId, roll < 0.25 ? 4 : 3, at, http('GET', `/${callee}`, 200));
        const server = make(callee, client.spanId, roll < 0.25 ? 5 : 2, at + 0.001, http('GET', `/${callee}`, 200));
        callers.push({ service: callee, spanId: server.spanId });
        count += 2;
      }
      n += count;
      written += count;
      if (batch.length >= 512) await flush();
    }
    if (batch.length > 0) await flush();
    sink.end();
    await once(out, 'finish');
  }
  return { files: names, spans: written };
}
