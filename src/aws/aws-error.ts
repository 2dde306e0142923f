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

/** SDK error names that mean "who you are" or "what you may do" is wrong: retrying or going on cannot help. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'TokenRefreshRequired',
]);

/** True for missing, expired or invalid credentials, and for calls the credentials may not make. */
export function isCredentialError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { Code?: unknown; code?: unknown }).Code ?? (error as { code?: unknown }).code;
  return CREDENTIAL_ERRORS.has(error.name) || (typeof code === 'string' && CREDENTIAL_ERRORS.has(code));
}

/** What to do about a credential error, for the hint of the one error it becomes. */
export const CREDENTIAL_HINT =
  'give evac credentials that may make these calls (--profile NAME or AWS_PROFILE, after aws sso login for SSO; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or a role), then run again; docs/aws.md lists the IAM policy';
