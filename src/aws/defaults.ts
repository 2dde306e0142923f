/** Defaults of the AWS adapters, in a module of their own so that flag help needs no SDK. */

/** Attempts per AWS call, retries of throttling and 5xx included (the SDK's adaptive mode). */
export const DEFAULT_MAX_ATTEMPTS = 4;

/** Time one HTTP attempt of an AWS call may take, in ms. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
