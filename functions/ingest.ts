import { EventParseError, parseStorageEventBody } from "@sluice/aws";
import { ingestEvent } from "@sluice/core";
import type { Context, SQSEvent } from "aws-lambda";
import { type Deps, deps } from "../packages/lambda/src/deps";
import { createSqsBatchHandler, type SqsRecordHandler } from "./sqs-batch";

/**
 * The ingest queue's handler: one S3 event per message. Permanent problems of an object end up on
 * its record and the message is acknowledged; transient failures (throttling, 5xx) are reported in
 * `batchItemFailures` so that SQS retries just those messages.
 */
export function createIngestHandler(d: Deps) {
  const handleRecord: SqsRecordHandler = async (message, log) => {
    let event: ReturnType<typeof parseStorageEventBody>;
    try {
      event = parseStorageEventBody(message.body);
    } catch (error) {
      // Not an S3 object event: nothing to record and retrying cannot help.
      if (error instanceof EventParseError) return log.error("unparseable message", { error: error.message });
      throw error;
    }
    // On this message's own logger only (see createSqsBatchHandler): its lines, the failure's included, carry its key.
    log.appendKeys({ bucket: event.bucket, key: event.rawKey });
    const result = await ingestEvent(d.pipeline, event);
    log.info("ingested", { ...result });
  };
  return createSqsBatchHandler(d, handleRecord);
}

let ingest: ReturnType<typeof createIngestHandler> | undefined;
export const handler = (event: SQSEvent, context: Context) => {
  ingest ??= createIngestHandler(deps());
  return ingest(event, context);
};
