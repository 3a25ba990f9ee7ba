import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { noteRecordFailure } from "@sluice/aws";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import type { Deps } from "./deps";

/**
 * An SQS handler with partial batch responses: a message whose handler throws is reported in
 * `batchItemFailures` (even when all fail, so SQS retries just those), and outbound events and metrics are flushed.
 */
export function createSqsBatchHandler(d: Deps, handleRecord: (message: SQSRecord) => Promise<unknown>) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context) => {
    try {
      // The failure's reason is logged under the message id (SQS keeps none on a dead letter) and noted for the local queues.
      const noting = async (message: SQSRecord) => {
        try {
          return await handleRecord(message);
        } catch (error) {
          noteRecordFailure(event, message.messageId, error);
          d.logger.error("message failed", { messageId: message.messageId, error: String(error) });
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
