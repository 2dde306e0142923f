import type { TracesConfig } from '../../config/evacuation-config.ts';
import type { InputIssue, Result } from '../../errors.ts';
import type { TraceSample } from '../../model/planning-data.ts';
import { deviceRule } from './device-rules.ts';
import { fileLines } from './line-reader.ts';
import { attributeString } from './otlp-attributes.ts';
import { otlpFiles } from './otlp-files.ts';
import { countsAsRequest } from './span-kind.ts';
import { TraceAssembler } from './trace-assembler.ts';
import type { TraceReport } from './trace-report.ts';

export interface OtlpReadOptions {
  /** A file, or a directory of `.json[l][.gz]` files. */
  readonly path: string;
  readonly traces: TracesConfig;
  /** The regions of evacuation.yaml: spans of other regions are reported, not counted. */
  readonly regions: ReadonlySet<string>;
  readonly bucketMinutes: number;
}

export interface OtlpTraces {
  /** One sample per (service, region, device, bucket occurrence), stamped at the occurrence's start. */
  readonly samples: TraceSample[];
  readonly report: TraceReport;
}

const MAX_ISSUES = 20;

/**
 * Reads OTLP/JSON span files (the OpenTelemetry Collector file exporter's format: one
 * ExportTraceServiceRequest per line, optionally gzipped) and counts requests per service,
 * region, device type and bucket occurrence. See docs/traces.md for the rules.
 * A line that is not an ExportTraceServiceRequest is an issue naming the file, line and field.
 */
export async function readOtlpTraces(options: OtlpReadOptions): Promise<Result<OtlpTraces>> {
  const { traces, regions } = options;
  const listed = otlpFiles(options.path);
  if (!listed.ok) return listed;
  const files = listed.data;
  if (files.length === 0)
    return { ok: false, issues: [{ file: options.path, message: 'no OTLP files: expected *.json, *.jsonl, *.json.gz or *.jsonl.gz (see docs/traces.md)' }] };
  const rule = deviceRule(traces);
  const assembler = new TraceAssembler(options.bucketMinutes * 60);
  const issues: InputIssue[] = [];
  let noService = 0;
  let noRegion = 0;
  const otherRegions: Record<string, number> = {};
  for (const [fileIndex, file] of files.entries()) {
    try {
      for await (const { line, text } of fileLines(file)) {
        const fail = (path: string, message: string) => {
          if (issues.length < MAX_ISSUES) issues.push({ file, line, path, message });
        };
        let request: unknown;
        try {
          request = JSON.parse(text);
        } catch (error) {
          fail('(line)', `not JSON (${(error as Error).message}): expected one OTLP ExportTraceServiceRequest per line`);
          continue;
        }
        const resourceSpans = (request as { resourceSpans?: unknown } | null)?.resourceSpans;
        if (!Array.isArray(resourceSpans)) {
          fail('resourceSpans', 'missing: expected an OTLP ExportTraceServiceRequest ({"resourceSpans": [...]}) per line');
          continue;
        }
        for (let r = 0; r < resourceSpans.length; r++) {
          const rs = resourceSpans[r] as { resource?: { attributes?: unknown }; scopeSpans?: unknown };
          const resource = rs?.resource?.attributes;
          const service = attributeString(resource, traces.serviceAttribute);
          const region = attributeString(resource, traces.regionAttribute);
          const counted = service !== undefined && region !== undefined && regions.has(region) ? { service, region } : undefined;
          const scopeSpans = rs?.scopeSpans;
          if (!Array.isArray(scopeSpans)) continue;
          for (let s = 0; s < scopeSpans.length; s++) {
            const spans = (scopeSpans[s] as { spans?: unknown } | null)?.spans;
            if (!Array.isArray(spans)) continue;
            for (let k = 0; k < spans.length; k++) {
              const span = spans[k] as Record<string, unknown>;
              const where = `resourceSpans.${r}.scopeSpans.${s}.spans.${k}`;
              const { traceId, spanId } = span;
              const parentSpanId = span.parentSpanId ?? '';
              if (typeof traceId !== 'string' || traceId === '' || typeof spanId !== 'string' || spanId === '' || typeof parentSpanId !== 'string') {
                fail(where, 'expected traceId and spanId as non-empty strings (hex), parentSpanId a string or absent');
                continue;
              }
              const start = epochSeconds(span.startTimeUnixNano);
              if (start === undefined) {
                fail(`${where}.startTimeUnixNano`, `${JSON.stringify(span.startTimeUnixNano)}: expected nanoseconds since the epoch, as a string of digits`);
                continue;
              }
              const isRequest = countsAsRequest(span.kind);
              if (isRequest && counted === undefined) {
                if (service === undefined) noService += 1;
                else if (region === undefined) noRegion += 1;
                else otherRegions[region] = (otherRegions[region] ?? 0) + 1;
              }
              const isRoot = parentSpanId === '';
              const device = assembler.wantsDevice(traceId, isRoot) ? rule(span.attributes, resource) : undefined;
              assembler.add({ traceId, spanId, parentSpanId, start, counted: isRequest ? counted : undefined }, fileIndex, device);
            }
          }
        }
      }
    } catch (error) {
      issues.push({ file, message: `cannot read: ${(error as Error).message}` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, data: assembler.finish(files.length, { noService, noRegion, otherRegions }) };
}

/** `startTimeUnixNano` (a decimal string in OTLP/JSON, a number in some writers) as epoch seconds. */
function epochSeconds(nanos: unknown): number | undefined {
  if (typeof nanos === 'number') return Number.isFinite(nanos) && nanos >= 0 ? nanos / 1e9 : undefined;
  if (typeof nanos !== 'string' || !/^\d{1,20}$/.test(nanos)) return undefined;
  // Whole seconds and the fraction separately: the nanoseconds do not fit a double exactly.
  return nanos.length > 9 ? Number(nanos.slice(0, -9)) + Number(nanos.slice(-9)) / 1e9 : Number(nanos) / 1e9;
}
