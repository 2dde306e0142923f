/**
 * The exit codes of `evac`, named once (README, "Exit codes"): services throw EvacError with one
 * of them, commands return them.
 */
export const EXIT = {
  ok: 0,
  /** A bug in evac: a BugError or any error that is not an EvacError. */
  bug: 1,
  /** Bad config, data or flags. */
  badInput: 2,
  /** `evac report`: a readiness gate failed. */
  notReady: 3,
  /** `apply`/`restore`: refused, nothing changed (stale or edited plan, changed targets, declined, locked). */
  refused: 4,
  /** Partial: some targets failed, a wait timed out, a region could not be read; run it again. */
  partial: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A problem in user input, kept as data until the edge formats it. */
export interface InputIssue {
  /** The file at fault, as the user named it. */
  readonly file: string;
  /** Dotted field path inside the file (config files). */
  readonly path?: string;
  /** 1-based line number (CSV rows, YAML nodes). */
  readonly line?: number;
  /** What was wrong and what was expected. */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly issues: readonly InputIssue[] };

export function formatIssue(issue: InputIssue): string {
  const where = [issue.file, issue.line === undefined ? undefined : String(issue.line)].filter(Boolean).join(':');
  const path = issue.path ? ` ${issue.path}:` : '';
  return `${where}:${path} ${issue.message}`;
}

/**
 * A user problem (bad input, bad flag, refused action). Carries a "try this" hint and the
 * process exit code; caught and printed only at the CLI entry point.
 */
export class EvacError extends Error {
  override readonly name = 'EvacError';
  constructor(
    message: string,
    readonly options: { readonly hint?: string; readonly exitCode?: ExitCode; readonly issues?: readonly InputIssue[]; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
  get exitCode(): ExitCode {
    return this.options.exitCode ?? EXIT.badInput;
  }
}

/** Bad config or data: exit code 2, with every issue listed. */
export function inputError(issues: readonly InputIssue[], hint?: string): EvacError {
  const head = issues.length === 1 ? 'invalid input' : `${issues.length} problems in the input`;
  return new EvacError(`${head}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`, { issues, exitCode: EXIT.badInput, ...(hint ? { hint } : {}) });
}

/** A broken invariant inside evac itself (never a user's input or a remote's answer): exit 1. */
export class BugError extends Error {
  override readonly name = 'BugError';
}

/** Unwraps a result or throws the input error it holds. */
export function unwrap<T>(result: Result<T>, hint?: string): T {
  if (result.ok) return result.data;
  throw inputError(result.issues, hint);
}

/**
 * A short, readable account of an error thrown by a call (an SDK error included): its name,
 * HTTP status and message, e.g. `ThrottlingException (HTTP 400): Rate exceeded`, or
 * `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: unknown }).code;
  const name = typeof code === 'string' && (error.name === 'Error' || error.name === 'TimeoutError') ? code : error.name;
  const message = error.message.split('\n')[0] ?? '';
  return `${name}${status === undefined ? '' : ` (HTTP ${status})`}${message && message !== name ? `: ${message}` : ''}`;
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
