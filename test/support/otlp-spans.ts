import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { context, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export { SpanKind };
/** OTLP protobuf files as the Collector writes them: one implementation, with the fixture's generator. */
export { otlpProtoFile } from '../../fixtures/generate-otlp.ts';

/**
 * Spans made by the official OpenTelemetry SDK, for tests: `span(service, name, options)` starts
 * and ends a span on a tracer whose resource is {service.name, cloud.region}.
 */
export class SdkSpans {
  private readonly exporter = new InMemorySpanExporter();
  private readonly tracers = new Map<string, Tracer>();

  span(
    service: string,
    options: {
      region?: string;
      kind?: SpanKind;
      parent?: Span;
      at?: number;
      attributes?: Record<string, string | number | boolean>;
      resource?: Record<string, string>;
    } = {},
  ): Span {
    const region = options.region ?? 'us-east-1';
    const key = JSON.stringify([service, region, options.resource ?? {}]);
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      const resource = resourceFromAttributes({ 'service.name': service, 'cloud.region': region, ...options.resource });
      tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(this.exporter)] }).getTracer('evac-test');
      this.tracers.set(key, tracer);
    }
    const ctx = options.parent === undefined ? context.active() : trace.setSpan(context.active(), options.parent);
    const at = (options.at ?? Date.UTC(2026, 10, 20, 10, 0)) as number;
    const span = tracer.startSpan(`op ${service}`, { kind: options.kind ?? SpanKind.SERVER, startTime: at, attributes: options.attributes ?? {} }, ctx);
    span.end(at + 5);
    return span;
  }

  /** The finished spans so far, cleared. */
  take(): ReadableSpan[] {
    const spans = this.exporter.getFinishedSpans();
    this.exporter.reset();
    return spans;
  }
}

/** One OTLP/JSON line (an ExportTraceServiceRequest) of spans, as the SDK serializes it. */
export function otlpLine(spans: readonly ReadableSpan[]): string {
  const bytes = JsonTraceSerializer.serializeRequest(spans as ReadableSpan[]);
  if (bytes === undefined) throw new Error('serializer returned nothing');
  return new TextDecoder().decode(bytes);
}

/** Writes OTLP files (name -> lines, or the bytes of a protobuf file; `.gz` names gzipped) into a new temp directory. */
export function writeOtlpDir(files: Record<string, readonly string[] | Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evac-otlp-'));
  for (const [name, content] of Object.entries(files)) {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(`${content.join('\n')}\n`);
    writeFileSync(path.join(dir, name), name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  }
  return dir;
}
