import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { TransientError, type WorkMessage, type WorkQueue } from "@sluice/core";
import { isTransientSdkError } from "./s3-errors";

/** What the SQS work queue needs: a client built by the composition root, and the queue's URL. */
export interface SqsWorkQueueOptions {
  client: SQSClient;
  queueUrl: string;
}

/** The work queue over SQS: one JSON message per page of fan-out work. */
export function createSqsWorkQueue({ client, queueUrl }: SqsWorkQueueOptions): WorkQueue {
  return {
    async send(message: WorkMessage) {
      try {
        await client.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }),
        );
      } catch (error) {
        // A lost page would leave records stale, so the triggering event is retried instead.
        if (isTransientSdkError(error)) {
          throw new TransientError(`sending work to ${queueUrl} failed transiently`, { cause: error });
        }
        throw new Error(`sending work to ${queueUrl} failed`, { cause: error });
      }
    },
  };
}
