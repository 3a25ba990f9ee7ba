import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  type DeadLetterMessage,
  type DeadLetterQueueName,
  type DeadLetters,
  type RedriveOutcome,
  TransientError,
} from "@sluice/core";
import { isTransientSdkError } from "./s3-errors";
import { deadLetterBody, moveDeadLetters, type ReceivedDeadLetter } from "./sqs-redrive";

/** A dead-letter queue and the source queue its messages go back to. */
export interface SqsDeadLetterQueue {
  dlqUrl: string;
  sourceUrl: string;
}

/** What the SQS dead letters need: a client built by the composition root, and both queue pairs. */
export interface SqsDeadLettersOptions {
  client: SQSClient;
  queues: Record<DeadLetterQueueName, SqsDeadLetterQueue>;
  /** Messages one redrive moves at most (default 500), so that it ends inside the API's 30 s. */
  maxPerRedrive?: number;
  /** Milliseconds one redrive may take before it answers `more` (default 20 s). */
  budgetMs?: number;
  now?: () => number;
}

// Listing hides what it received for this long; it makes the messages visible again right after.
const LIST_VISIBILITY_SECONDS = 10;
// Longer than the API function's 30 s timeout: while a redrive moves a message, no other redrive sees it.
const MOVE_VISIBILITY_SECONDS = 120;
// A short poll samples only some SQS servers and can answer empty while messages wait; one second of long poll asks them all.
const WAIT_SECONDS = 1;

/** Lists and redrives the ingest and work dead-letter queues over SQS (ReceiveMessage, SendMessage, DeleteMessage). */
export function createSqsDeadLetters(options: SqsDeadLettersOptions): DeadLetters {
  const { client } = options;
  const now = options.now ?? Date.now;

  const receive = async (queue: DeadLetterQueueName, max: number, visibility: number) => {
    const answer = await call(`receiving from the ${queue} dead-letter queue`, () =>
      client.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queues[queue].dlqUrl,
          MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
          VisibilityTimeout: visibility,
          WaitTimeSeconds: WAIT_SECONDS,
          MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
          MessageAttributeNames: ["All"],
        }),
      ),
    );
    return (answer.Messages ?? []).flatMap((m) => toReceived(queue, m));
  };

  // Best effort: a handle that is not released simply reappears when its visibility timeout ends.
  const release = async (queue: DeadLetterQueueName, handles: string[]) => {
    for (let i = 0; i < handles.length; i += 10) {
      const entries = handles
        .slice(i, i + 10)
        .map((h, n) => ({ Id: String(n), ReceiptHandle: h, VisibilityTimeout: 0 }));
      try {
        await client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: options.queues[queue].dlqUrl,
            Entries: entries,
          }),
        );
      } catch {
        // They reappear by themselves.
      }
    }
  };

  return {
    async list(queue, limit) {
      const attributes = await call(`counting the ${queue} dead-letter queue`, () =>
        client.send(
          new GetQueueAttributesCommand({
            QueueUrl: options.queues[queue].dlqUrl,
            AttributeNames: ["ApproximateNumberOfMessages"],
          }),
        ),
      );
      const seen = new Map<string, DeadLetterMessage>();
      const handles: string[] = [];
      try {
        while (seen.size < limit) {
          const batch = await receive(queue, limit - seen.size, LIST_VISIBILITY_SECONDS);
          if (batch.length === 0) break;
          for (const got of batch) {
            handles.push(got.receiptHandle);
            if (seen.size < limit) seen.set(got.message.id, got.message);
          }
        }
      } finally {
        await release(queue, handles);
      }
      const total = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? seen.size);
      return { messages: [...seen.values()], total: Math.max(total, seen.size) };
    },

    redrive(queue, ids): Promise<RedriveOutcome> {
      const { sourceUrl, dlqUrl } = options.queues[queue];
      return moveDeadLetters({
        queue,
        ids,
        maxMessages: options.maxPerRedrive ?? 500,
        deadline: now() + (options.budgetMs ?? 20_000),
        now,
        receive: (max) => receive(queue, max, MOVE_VISIBILITY_SECONDS),
        send: async (got) => {
          await client.send(
            new SendMessageCommand({
              QueueUrl: sourceUrl,
              MessageBody: got.rawBody,
              ...(got.rawAttributes ? { MessageAttributes: got.rawAttributes } : {}),
            }),
          );
        },
        remove: async (got) => {
          await client.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: got.receiptHandle }));
        },
        release: (handles) => release(queue, handles),
      });
    },
  };
}

function toReceived(queue: DeadLetterQueueName, m: Message): ReceivedDeadLetter[] {
  if (m.MessageId === undefined || m.ReceiptHandle === undefined) return [];
  const sent = Number(m.Attributes?.SentTimestamp);
  const attributes = Object.fromEntries(
    Object.entries(m.MessageAttributes ?? {}).flatMap(([name, value]) =>
      value.StringValue === undefined ? [] : [[name, value.StringValue]],
    ),
  );
  const rawAttributes =
    m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0
      ? Object.fromEntries(
          Object.entries(m.MessageAttributes).map(([name, v]) => [
            name,
            { DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue },
          ]),
        )
      : undefined;
  return [
    {
      receiptHandle: m.ReceiptHandle,
      rawBody: m.Body ?? "",
      rawAttributes,
      message: {
        id: m.MessageId,
        queue,
        body: deadLetterBody(m.Body ?? ""),
        sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : null,
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0) || 0,
        // SQS keeps no failure reason; the function's log has it under the message id.
        lastError: null,
        attributes,
      },
    },
  ];
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isTransientSdkError(error)) throw new TransientError(`${what} failed transiently`, { cause: error });
    throw new Error(`${what} failed`, { cause: error });
  }
}
