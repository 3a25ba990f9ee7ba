import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { noteRecordFailure } from "@sluice/aws";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import type { Deps } from "../packages/lambda/src/deps";
import { DEADLINE_MARGIN_MS, DeadlineExceededError, startBatchDeadline } from "./batch-deadline";

/**
 * Handles one message. `log` is that message's own logger, keyed with its id; the handler appends the
 * message's keys (bucket, key…) to it once it has read them, and they appear on the failure log too.
 */
export type SqsRecordHandler = (message: SQSRecord, log: Logger) => Promise<unknown>;

/** Settings of a batch handler; the defaults are the deployed ones. */
export interface SqsBatchOptions {
  /** Time kept back from the Lambda's remaining time for the flush after the batch (default 5 s). */
  marginMs?: number;
}

/**
 * An SQS handler with partial batch responses: a message whose handler throws is reported in
 * `batchItemFailures` (even when all fail, so SQS retries just those), and outbound events and metrics are
 * flushed. It answers by the Lambda's remaining time less a margin whatever one message does: a message
 * not started by then, or still running then, is reported failed and delivered again.
 */
export function createSqsBatchHandler(
  d: Deps,
  handleRecord: SqsRecordHandler,
  options: SqsBatchOptions = {},
) {
  return async (event: SQSEvent, context: Context) => {
    const deadline = startBatchDeadline(context, options.marginMs ?? DEADLINE_MARGIN_MS);
    // The failure's reason is logged under the message id (SQS keeps none on a dead letter) and noted for the local queues.
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
        noteRecordFailure(event, message.messageId, error);
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
