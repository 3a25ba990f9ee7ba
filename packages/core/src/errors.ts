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

/** The object is gone (404). */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A conditional write lost a race with another writer; the caller re-reads and tries again. */
export class WriteConflictError extends TransientError {
  override readonly name = "WriteConflictError";
}

/** Tells whether an error should be retried. */
export function isRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && "retryable" in error && error.retryable === true;
}
