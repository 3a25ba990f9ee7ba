import { createHash, randomUUID } from "node:crypto";
import type { Context, SQSEvent } from "aws-lambda";
import type { ReceivedMessage } from "./queue-snapshot";

/** The SQS event the Lambda event source mapping would hand the function for `batch`. */
export function toSqsEvent<T>(
  batch: readonly ReceivedMessage<T>[],
  queue: { arn: string; region: string; serialize: (body: T) => string },
): SQSEvent {
  return {
    Records: batch.map((message) => {
      const body = queue.serialize(message.body);
      return {
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body,
        attributes: message.attributes,
        messageAttributes: {},
        md5OfBody: createHash("md5").update(body).digest("hex"),
        eventSource: "aws:sqs",
        eventSourceARN: queue.arn,
        awsRegion: queue.region,
      };
    }),
  };
}

/** A Lambda context whose remaining time is `remaining()`, never below zero. */
export function lambdaContext(functionName: string, region: string, remaining: () => number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, remaining()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Keeps a batch's messages hidden while it runs; `stop` when the handler has answered. */
export interface Heartbeat {
  stop(): void;
}

/**
 * Extends the visibility of received messages every third of the visibility timeout, by a whole timeout
 * (ChangeMessageVisibility, as a long-running SQS consumer does), so that no other drain receives, and
 * counts a receive of, a message whose batch is still running, however long it runs.
 */
export function startHeartbeat(
  queue: { changeVisibility(receiptHandle: string, timeoutMs: number): boolean },
  receiptHandles: readonly string[],
  visibilityTimeoutMs: number,
): Heartbeat {
  const timer = setInterval(
    () => {
      for (const handle of receiptHandles) queue.changeVisibility(handle, visibilityTimeoutMs);
    },
    Math.max(1, Math.floor(visibilityTimeoutMs / 3)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
