import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { TransientError, type WorkMessage, type WorkQueue } from "@sluice/core";
import { isTransientSdkError } from "./s3-errors";

/**
 * Receives of a work message before it is dead-lettered (design.md "Decisions": five): the stacks'
 * maxReceiveCount (stacks/ingest.ts MAX_RECEIVES) and the local queues' default. A job's step on its
 * last receive records what still fails instead of failing again, so that the job ends.
 */
export const WORK_MAX_RECEIVES = 5;

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
