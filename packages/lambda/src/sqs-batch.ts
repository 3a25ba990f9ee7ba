import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { DEADLINE_MARGIN_MS, DeadlineExceededError, startBatchDeadline } from "./batch-deadline";
import type { Deps } from "./deps";
import { UnparseableMessageError } from "./unparseable-message-error";

/**
 * Handles one message. `log` is that message's own logger, keyed with its id; the handler appends the
 * message's keys (bucket, key…) to it once it has read them, and they appear on the failure log too.
 * It throws what it cannot do; the batch handler decides from the error whether SQS delivers it again.
 */
export type SqsRecordHandler = (message: SQSRecord, log: Logger) => Promise<unknown>;

/** Settings of a batch handler; the defaults are the deployed ones. */
export interface SqsBatchOptions {
  /** Time kept back from the Lambda's remaining time for the flush after the batch (default 5 s). */
  marginMs?: number;
  /**
   * Told why a message failed and goes back to the queue. Lambda's partial batch response carries only
   * message ids, so the local stack passes one to show the reason on its dead letters; in AWS the log says it.
   */
  onFailure?: (event: SQSEvent, messageId: string, error: unknown) => void;
}

/**
 * An SQS handler with partial batch responses, and the queue's one error boundary: a message no handler can
 * act on (`UnparseableMessageError`: its body is not an event or a work message) is logged and acknowledged,
 * since a redelivery carries the same body; any other failure is reported in `batchItemFailures` (even when
 * all fail, so SQS retries just those). A permanent failure of a valid message (`retryable: false`, such as
 * access denied) is retried too, so that it reaches the dead-letter queue, where it is listed with its reason
 * and can be redriven once an operator has fixed the cause: acknowledging it would lose the work. Outbound events and metrics are flushed after the batch. It
 * answers by the Lambda's remaining time less a margin whatever one message does: a message not started by
 * then, or still running then, is reported failed and delivered again.
 */
export function createSqsBatchHandler(
  d: Deps,
  handleRecord: SqsRecordHandler,
  options: SqsBatchOptions = {},
) {
  return async (event: SQSEvent, context: Context) => {
    const deadline = startBatchDeadline(context, options.marginMs ?? DEADLINE_MARGIN_MS);
    const handleOne = async (message: SQSRecord) => {
      // A logger per message: the processor runs a batch's messages at once, so keys appended to a
      // shared logger would show on the other messages' lines.
      const log = d.logger.createChild({ persistentKeys: { messageId: message.messageId } });
      try {
        if (deadline.passed())
          throw new DeadlineExceededError(
            "not started before the batch's deadline; it will be delivered again",
          );
        return await deadline.race(handleRecord(message, log), (late) =>
          log.warn("message finished after the batch's deadline", { outcome: String(late ?? "done") }),
        );
      } catch (error) {
        if (error instanceof UnparseableMessageError)
          return log.error(error.message, { error: reasonOf(error) });
        // The reason is logged under the message id: SQS keeps none on a dead letter.
        options.onFailure?.(event, message.messageId, error);
        log.error("message failed", { error: String(error) });
        throw error;
      }
    };
    try {
      // A processor per invocation: Powertools keeps a batch's outcome (failures, response) on the
      // processor, so one shared by invocations that overlap (the local stack's parallel drains) would
      // hand one batch's failures to another, or drop them.
      const processor = new BatchProcessor(EventType.SQS);
      return await processPartialResponse(event, handleOne, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      deadline.stop();
      // After the batch, so that its records are written before anyone hears of them; never throws.
      await d.events.flush();
      d.metrics.publishStoredMetrics();
    }
  };
}

/** What made a permanent error: its cause's message when it wraps one. */
function reasonOf(error: Error): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}
