/**
 * Whether a span counts as one request to its service: kind SERVER (2) or CONSUMER (5), the
 * spans where a service receives work. CLIENT, PRODUCER and INTERNAL spans are the caller's
 * side or in-process work: counting them would count a request twice, or in the wrong service.
 * OTLP/JSON writes the kind as a number; the enum name (`SPAN_KIND_SERVER`) is accepted too.
 */
export function countsAsRequest(kind: unknown): boolean {
  return kind === 2 || kind === 5 || kind === 'SPAN_KIND_SERVER' || kind === 'SPAN_KIND_CONSUMER';
}
