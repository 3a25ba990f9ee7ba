/**
 * A queue message no handler can act on (not a storage event, not a work message): the batch handler
 * acknowledges it, since a redelivery carries the same body. Its message is the log line's.
 */
export class UnparseableMessageError extends Error {
  override readonly name = "UnparseableMessageError";
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The body parsed by `parse`, or UnparseableMessageError (logged as `line`) when `parse` refuses it for good. */
export function parseMessageBody<T>(body: string, parse: (body: string) => T, line: string): T {
  try {
    return parse(body);
  } catch (error) {
    const permanent = typeof error === "object" && error !== null && "retryable" in error && !error.retryable;
    throw permanent ? new UnparseableMessageError(line, { cause: error }) : error;
  }
}
