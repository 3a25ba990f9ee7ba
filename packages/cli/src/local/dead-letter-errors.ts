// Lambda's partial batch response carries only message ids, so the reason a message failed would be lost
// to the local queues (and to a dead letter's `lastError`). The local stack hands `noteRecordFailure` to its
// batch handlers (their `onFailure`), which note it here keyed by the very event object they were given; the
// local drain reads it back. In AWS no handler is given one.
const failures = new WeakMap<object, Map<string, string>>();

/** Notes why the handler failed a message of `event`. */
export function noteRecordFailure(event: object, messageId: string, error: unknown): void {
  const noted = failures.get(event) ?? new Map<string, string>();
  noted.set(messageId, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  failures.set(event, noted);
}

/** Why the handler failed a message of `event`, when it said. */
export function notedRecordFailure(event: object, messageId: string): string | undefined {
  return failures.get(event)?.get(messageId);
}
