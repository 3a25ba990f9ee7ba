import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import type { Deps } from "./deps";

/**
 * An SQS handler with partial batch responses: a message whose handler throws is reported in
 * `batchItemFailures` (even when all fail, so SQS retries just those), and metrics are flushed.
 */
export function createSqsBatchHandler(d: Deps, handleRecord: (message: SQSRecord) => Promise<unknown>) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context) => {
    try {
      return await processPartialResponse(event, handleRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      d.metrics.publishStoredMetrics();
    }
  };
}
