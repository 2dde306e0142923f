/**
 * Writes realistic OTLP span files for the OTLP benchmark, serialized by the official SDK's
 * serializers from the SDK's span records (ReadableSpan): OTLP/JSON as the OpenTelemetry
 * Collector's file exporter writes it (one ExportTraceServiceRequest per line, JsonTraceSerializer)
 * or protobuf (`format: proto`: each request length-prefixed, ProtobufTraceSerializer through
 * `otlpProtoFile`). The same options and seed give the same spans in either format.
 *
 * Each trace is a fan-out tree of 5 to 50 spans over several services: a SERVER root at the
 * edge (user agent from a mix of apps and browsers), CLIENT -> SERVER pairs for each call
 * between services, CONSUMER spans for queued work, INTERNAL spans inside a service. Spans are
 * batched 512 to a request (the BatchSpanProcessor default), grouped by resource in a request.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { type Attributes, type SpanContext, SpanKind } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { otlpProtoFile } from '../fixtures/generate-otlp.ts';
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

export interface OtlpBenchOptions {
  readonly dir: string;
  readonly spans: number;
  readonly files: number;
  /** Start of the traces, epoch seconds; they spread over `days`. */
  readonly from: number;
  readonly days: number;
  /** OTLP/JSON lines (`.jsonl`, the default) or length-prefixed protobuf (`.binpb`). */
  readonly format?: 'json' | 'proto';
  readonly gzip?: boolean;
  readonly seed?: number;
}

const SCOPE = { name: '@opentelemetry/instrumentation-http', version: '0.210.0' };
/** Sampled, as every exported span (the SDK writes flags 257: sampled, parent not remote). */
const SAMPLED = 1;

/** Writes about `spans` spans into `files` files; returns the file names and the spans written. */
export async function writeOtlpBench(options: OtlpBenchOptions): Promise<{ files: string[]; spans: number }> {
  const rand = mulberry32(options.seed ?? 7);
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += ((rand() * 16) | 0).toString(16);
    return s;
  };
  const pick = <T>(xs: readonly T[]) => xs[(rand() * xs.length) | 0]!;
  const resources = new Map<string, Resource>();
  /** One resource per service and region: the serializers group a request's spans by resource identity. */
  const resourceOf = (service: string, region: string) => {
    const key = `${service}|${region}`;
    let resource = resources.get(key);
    if (resource === undefined) {
      resource = resourceFromAttributes({
        'service.name': service,
        'cloud.region': region,
        'cloud.provider': 'aws',
        'deployment.environment.name': 'production',
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.version': '2.12.1',
      });
      resources.set(key, resource);
    }
    return resource;
  };
  const proto = options.format === 'proto';
  const perFile = Math.ceil(options.spans / options.files);
  const names: string[] = [];
  let written = 0;
  for (let f = 0; f < options.files; f++) {
    const file = `${options.dir}/spans-${String(f).padStart(3, '0')}.${proto ? 'binpb' : 'jsonl'}${options.gzip ? '.gz' : ''}`;
    names.push(file);
    const out = createWriteStream(file);
    const gz = options.gzip ? createGzip({ level: 1 }) : undefined;
    if (gz) gz.pipe(out);
    const sink = gz ?? out;
    let batch: ReadableSpan[] = [];
    const flush = async () => {
      const bytes = proto ? otlpProtoFile([batch]) : JsonTraceSerializer.serializeRequest(batch);
      if (bytes === undefined) throw new Error('the OTLP JSON serializer returned nothing');
      batch = [];
      if (!sink.write(bytes)) await once(sink, 'drain');
      if (!proto && !sink.write('\n')) await once(sink, 'drain');
    };
    for (let n = 0; n < perFile && written < options.spans; ) {
      const traceId = hex(32);
      const region = pick(REGIONS);
      const t0 = options.from + rand() * options.days * 86_400;
      const size = 5 + ((rand() * 46) | 0);
      const time = (t: number): [number, number] => [Math.floor(t), Math.floor((t % 1) * 1e9)];
      const make = (service: string, parent: SpanContext | undefined, kind: SpanKind, at: number, attributes: Attributes): SpanContext => {
        const context: SpanContext = { traceId, spanId: hex(16), traceFlags: SAMPLED, isRemote: false };
        const startTime = time(at);
        const endTime = time(at + 0.005 + rand() * 0.1);
        batch.push({
          name: kind === SpanKind.CLIENT ? 'GET' : `${kind === SpanKind.CONSUMER ? 'process' : 'GET'} /${service}`,
          kind,
          spanContext: () => context,
          ...(parent === undefined ? {} : { parentSpanContext: parent }),
          startTime,
          endTime,
          status: { code: 0 },
          attributes,
          links: [],
          events: [],
          duration: [endTime[0] - startTime[0], endTime[1] - startTime[1]],
          ended: true,
          resource: resourceOf(service, region),
          instrumentationScope: SCOPE,
          droppedAttributesCount: 0,
          droppedEventsCount: 0,
          droppedLinksCount: 0,
        });
        return context;
      };
      const http = (method: string, route: string, status: number): Attributes => ({
        'http.request.method': method,
        'http.route': route,
        'url.scheme': 'https',
        'http.response.status_code': status,
        'network.protocol.version': '1.1',
      });
      const root = make(SERVICES[0]!, undefined, SpanKind.SERVER, t0, {
        ...http('GET', '/v1/play', 200),
        'user_agent.original': pick(AGENTS),
        'client.address': `10.${(rand() * 255) | 0}.${(rand() * 255) | 0}.${(rand() * 255) | 0}`,
      });
      let count = 1;
      const callers: { service: string; context: SpanContext }[] = [{ service: SERVICES[0]!, context: root }];
      while (count < size) {
        const caller = pick(callers);
        const roll = rand();
        if (roll < 0.15 || size - count < 2) {
          make(caller.service, caller.context, SpanKind.INTERNAL, t0 + rand() * 0.05, { 'code.function.name': 'render' });
          count += 1;
          continue;
        }
        const callee = SERVICES[1 + ((rand() * (SERVICES.length - 1)) | 0)]!;
        const at = t0 + rand() * 0.05;
        const client = make(caller.service, caller.context, roll < 0.25 ? SpanKind.PRODUCER : SpanKind.CLIENT, at, http('GET', `/${callee}`, 200));
        const server = make(callee, client, roll < 0.25 ? SpanKind.CONSUMER : SpanKind.SERVER, at + 0.001, http('GET', `/${callee}`, 200));
        callers.push({ service: callee, context: server });
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
