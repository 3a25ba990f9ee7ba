import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { noteRecordFailure } from "@sluice/aws";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import type { Deps } from "./deps";

/**
 * Handles one message. `log` is that message's own logger, keyed with its id; the handler appends the
 * message's keys (bucket, key…) to it once it has read them, and they appear on the failure log too.
 */
export type SqsRecordHandler = (message: SQSRecord, log: Logger) => Promise<unknown>;

/**
 * An SQS handler with partial batch responses: a message whose handler throws is reported in
 * `batchItemFailures` (even when all fail, so SQS retries just those), and outbound events and metrics are flushed.
 */
export function createSqsBatchHandler(d: Deps, handleRecord: SqsRecordHandler) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context) => {
    try {
      // The failure's reason is logged under the message id (SQS keeps none on a dead letter) and noted for the local queues.
      const noting = async (message: SQSRecord) => {
        // A logger per message: the processor runs a batch's messages at once, so keys appended to a
        // shared logger would show on the other messages' lines.
        const log = d.logger.createChild({ persistentKeys: { messageId: message.messageId } });
        try {
          return await handleRecord(message, log);
        } catch (error) {
          noteRecordFailure(event, message.messageId, error);
          log.error("message failed", { error: String(error) });
          throw error;
        }
      };
      return await processPartialResponse(event, noting, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      // After the batch, so that its records are written before anyone hears of them; never throws.
      await d.events.flush();
      d.metrics.publishStoredMetrics();
    }
  };
}
