/** A failure that may pass on retry (throttling, 5xx, timeouts): the message goes back to the queue. */
export class TransientError extends Error {
  override readonly name: string = "TransientError";
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Storage refused access (403): permanent, and written on the record. */
export class AccessDeniedError extends Error {
  override readonly name = "AccessDeniedError";
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A listing cursor that storage did not give out (S3 answers 400 InvalidArgument): the caller's mistake. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The object is gone (404). */
export class NotFoundError extends Error {
  override readonly name: string = "NotFoundError";
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Storage refuses the key itself as too long (S3's `KeyTooLongError`: over 1,024 bytes, or more than the
 * local S3's file system holds). No object can exist under such a key, so it reads as absent: a data
 * key a few bytes under the limit has no sidecar (its `<key>.metadata.json` is over it) rather than a
 * read that fails on every retry until the message is dead-lettered.
 */
export class KeyTooLongError extends NotFoundError {
  override readonly name = "KeyTooLongError";
}

/** A conditional write lost a race with another writer; the caller re-reads and tries again. */
export class WriteConflictError extends TransientError {
  override readonly name = "WriteConflictError";
}

/** Tells whether an error should be retried. */
export function isRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && "retryable" in error && error.retryable === true;
}

/** One field of an input that breaks a rule: where (`path`, "" for the whole input) and why. */
export interface InputProblem {
  path: string;
  message: string;
}

/**
 * An input that breaks a rule of a use case (a metadata layer past the sidecar limits or against the schema,
 * an invalid schema, too wide an import): the caller's mistake, named by `code` and one problem per field.
 */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";
  readonly retryable = false;
  constructor(
    message: string,
    readonly problems: readonly InputProblem[],
    readonly code = "invalid-request",
  ) {
    super(message);
  }
}
