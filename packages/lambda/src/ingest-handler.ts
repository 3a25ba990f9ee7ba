import { parseStorageEventBody } from "@sluice/aws";
import { ingestEvent } from "@sluice/core";
import type { Deps } from "./deps";
import { createSqsBatchHandler, type SqsBatchOptions, type SqsRecordHandler } from "./sqs-batch";
import { parseMessageBody } from "./unparseable-message-error";

/**
 * The ingest queue's handler: one S3 event per message. Permanent problems of an object end up on
 * its record and the message is acknowledged; a body that is not an S3 object event is acknowledged
 * too (retrying cannot help); transient failures (throttling, 5xx) are reported in `batchItemFailures`
 * so that SQS retries just those messages.
 */
export function createIngestHandler(d: Deps, options: SqsBatchOptions = {}) {
  const handleRecord: SqsRecordHandler = async (message, log) => {
    const event = parseMessageBody(message.body, parseStorageEventBody, "unparseable message");
    // On this message's own logger only (see createSqsBatchHandler): its lines, the failure's included, carry its key.
    log.appendKeys({ bucket: event.bucket, key: event.rawKey });
    const result = await ingestEvent(d.pipeline, event);
    log.info("ingested", { ...result });
  };
  return createSqsBatchHandler(d, handleRecord, options);
}
