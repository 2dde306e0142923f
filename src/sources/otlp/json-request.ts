import { pickAttributes, REGION, SERVICE } from './otlp-attributes.ts';
import type { ByteSpan, SpanBatchBuilder } from './span-batch.ts';
import { countsAsRequest } from './span-kind.ts';
import { epochSeconds } from './span-time.ts';

/** Reports a problem of the line at a field path (`resourceSpans.0.scopeSpans.1.spans.2`). */
export type LineIssue = (path: string, message: string) => void;

const scratch = { buf: Buffer.alloc(1024) };
const trace: ByteSpan = { start: 0, end: 0 };
const id: ByteSpan = { start: 0, end: 0 };
const parent: ByteSpan = { start: 0, end: 0 };

/**
 * Reads one OTLP/JSON line (an ExportTraceServiceRequest) with JSON.parse into the builder:
 * the reader of any line the byte scanner (otlp-scanner.ts) does not take, and the one that
 * names what is wrong with a line (`fail`).
 */
export function readRequestJson(text: string, names: readonly (string | undefined)[], into: SpanBatchBuilder, fail: LineIssue): void {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    fail('(line)', `not JSON (${(error as Error).message}): expected one OTLP ExportTraceServiceRequest per line`);
    return;
  }
  readRequest(request, names, into, fail);
}

/**
 * Reads one ExportTraceServiceRequest in its OTLP/JSON form (from JSON.parse, or decoded from
 * protobuf by proto-request.ts) into the builder, naming what is wrong with it (`fail`).
 */
export function readRequest(request: unknown, names: readonly (string | undefined)[], into: SpanBatchBuilder, fail: LineIssue): void {
  const resourceSpans = (request as { resourceSpans?: unknown } | null)?.resourceSpans;
  if (!Array.isArray(resourceSpans)) {
    fail('resourceSpans', 'missing: expected an OTLP ExportTraceServiceRequest ({"resourceSpans": [...]}) per line');
    return;
  }
  for (let r = 0; r < resourceSpans.length; r++) {
    const rs = resourceSpans[r] as { resource?: { attributes?: unknown }; scopeSpans?: unknown } | null;
    const scopeSpans = rs?.scopeSpans;
    if (!Array.isArray(scopeSpans)) continue;
    into.resource(pickAttributes(rs?.resource?.attributes, names));
    for (let s = 0; s < scopeSpans.length; s++) {
      const spans = (scopeSpans[s] as { spans?: unknown } | null)?.spans;
      if (!Array.isArray(spans)) continue;
      for (let k = 0; k < spans.length; k++) {
        const span = (spans[k] ?? {}) as Record<string, unknown>;
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
        const picked = pickAttributes(span.attributes, names);
        const has = picked.some((v, slot) => v !== undefined && slot !== SERVICE && slot !== REGION);
        const b = idBytes(traceId, spanId, parentSpanId);
        into.span(b, trace, id, parent, countsAsRequest(span.kind), start, has ? picked : undefined);
      }
    }
  }
}

/** The three ids as UTF-8 in one scratch buffer (the builder reads ids as bytes). */
function idBytes(traceId: string, spanId: string, parentSpanId: string): Buffer {
  const need = 3 * (traceId.length + spanId.length + parentSpanId.length) + 3;
  if (scratch.buf.length < need) scratch.buf = Buffer.alloc(need);
  const b = scratch.buf;
  trace.start = 0;
  trace.end = b.write(traceId, 0, 'utf8');
  id.start = trace.end;
  id.end = id.start + b.write(spanId, id.start, 'utf8');
  parent.start = id.end;
  parent.end = parent.start + b.write(parentSpanId, parent.start, 'utf8');
  return b;
}
