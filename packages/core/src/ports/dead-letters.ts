/** The queues whose dead letters Sluice lists and redrives. */
export type DeadLetterQueueName = "ingest" | "work";

/** A message set aside after its receives ran out (design.md "Decisions": five), as `GET /dead-letters` shows it. */
export interface DeadLetterMessage {
  /** The message id on the dead-letter queue (SQS keeps the source message's id). */
  id: string;
  queue: DeadLetterQueueName;
  /** The body parsed when it is JSON (an EventBridge event, a work message), else the raw text. */
  body: unknown;
  /** When the message was first sent to its source queue (ISO 8601); null when not known. */
  sentAt: string | null;
  /** Receives so far; on SQS it also counts the receives of listing, so it is approximate. */
  receiveCount: number;
  /** Why the last receive failed, where the queue knows it (the local queues do; SQS does not). */
  lastError: string | null;
  /** The message's string attributes, sent back with it on redrive. */
  attributes: Record<string, string>;
}

/** One page of a dead-letter queue. */
export interface DeadLetterPage {
  messages: DeadLetterMessage[];
  /** Messages on the dead-letter queue (approximate on SQS). */
  total: number;
}

/** A dead letter that a redrive could not move, and at which step. */
export interface RedriveFailure {
  id: string;
  queue: DeadLetterQueueName;
  /** `send`: still dead-lettered, nothing sent; `delete`: sent back but still dead-lettered too (harmless, see DeadLetters). */
  stage: "send" | "delete";
  error: string;
}

/** What one redrive did. */
export interface RedriveOutcome {
  /** Messages sent back to their source queue and deleted from the dead-letter queue. */
  moved: number;
  failed: RedriveFailure[];
  /** Ids asked for that are not dead-lettered (any more): a repeated redrive lands here. */
  notFound: string[];
  /** True when the redrive stopped at its per-call budget with messages left: call it again. */
  more: boolean;
}

/**
 * Dead-lettered messages: listed, and moved back to their source queue. A move is "send to the source,
 * then delete from the dead-letter queue", so a crash between the two leaves the message in both; a later
 * redrive sends it again, which is harmless because every write of the pipeline is conditional on its
 * per-source-key sequencer (and a record's `revision`), and reimport steps are counted once by step number:
 * the re-processed event changes nothing and records stay exactly-once. The opposite order could lose it.
 */
export interface DeadLetters {
  list(queue: DeadLetterQueueName, limit: number): Promise<DeadLetterPage>;
  /** Moves every dead letter of `queue` back, or only those whose id is in `ids`. */
  redrive(queue: DeadLetterQueueName, ids?: readonly string[]): Promise<RedriveOutcome>;
}
