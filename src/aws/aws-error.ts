/**
 * A short, readable account of an SDK error: its name, HTTP status and message, e.g.
 * `ThrottlingException (HTTP 400): Rate exceeded`, or `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`.
 */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: unknown }).code;
  const name = typeof code === 'string' && (error.name === 'Error' || error.name === 'TimeoutError') ? code : error.name;
  const message = error.message.split('\n')[0] ?? '';
  return `${name}${status === undefined ? '' : ` (HTTP ${status})`}${message && message !== name ? `: ${message}` : ''}`;
}

/** True when the error came from an AbortSignal (the caller gave up, e.g. the region timed out). */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR');
}
