import { createHash, randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { Context, SQSEvent } from "aws-lambda";
import { z } from "zod";
import { notedRecordFailure } from "./dead-letter-errors";
import type { MemoryQueue, ReceivedMessage } from "./memory-queue";

/** A Lambda-style SQS handler: returns `{ batchItemFailures }` (or nothing) and may throw. */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => unknown;

/** When a drain stops early, how long it may take, and how it names the function. */
export interface DrainOptions {
  /** Checked before each batch; the drain stops as soon as it answers true. */
  until?: () => boolean;
  /** Default 30 s of the queue's clock; past it the drain throws. */
  timeoutMs?: number;
  functionName?: string;
}

/** What a drain did. */
export interface DrainResult {
  batches: number;
  succeeded: number;
  failed: number;
}

/** What drainQueue needs from the queue beyond its public methods. */
export interface DrainDeps<T> {
  queue: MemoryQueue<T>;
  serialize: (body: T) => string;
  region: string;
  batchSize: number;
  now: () => number;
  sleep: ((ms: number) => Promise<void>) | undefined;
  /** Epoch ms at which the next hidden message reappears. */
  nextVisibleAt: () => number;
}

// Lambda's rules: no response or no failures is success; an unreadable response or an unknown id fails the batch.
const BatchResponseSchema = z
  .object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })).nullish() })
  .nullish();

/**
 * Delivers batches as the Lambda SQS event source does: deletes what succeeded and leaves failures to
 * reappear after the visibility timeout, until the queue is empty and nothing is in flight.
 */
export async function drainQueue<T>(
  deps: DrainDeps<T>,
  handler: SqsBatchHandler,
  options: DrainOptions,
): Promise<DrainResult> {
  const { queue, now } = deps;
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = now() + timeoutMs;
  const result: DrainResult = { batches: 0, succeeded: 0, failed: 0 };
  while (!options.until?.() && queue.size() + queue.inFlight() > 0) {
    if (now() > deadline) {
      throw new Error(
        `drain timed out after ${timeoutMs} ms: ${queue.size()} queued, ${queue.inFlight()} in flight`,
      );
    }
    const batch = queue.receive(deps.batchSize);
    if (batch.length === 0) {
      if (queue.inFlight() > 0)
        await sleep(Math.max(1, Math.min(deps.nextVisibleAt(), deadline + 1) - now()));
      continue;
    }
    result.batches += 1;
    const context = lambdaContext(
      options.functionName ?? "local-handler",
      deps.region,
      () => deadline - now(),
    );
    const failures = await invoke(handler, toSqsEvent(batch, deps), context);
    for (const message of batch) {
      const error = failures.get(message.messageId);
      if (error === undefined) {
        queue.delete(message.receiptHandle);
        result.succeeded += 1;
      } else {
        queue.fail(message.receiptHandle, error);
        result.failed += 1;
      }
    }
  }
  return result;
}

/** Runs the handler and answers the failed message ids with their error. */
async function invoke(
  handler: SqsBatchHandler,
  event: SQSEvent,
  context: Context,
): Promise<Map<string, string>> {
  const ids = event.Records.map((r) => r.messageId);
  const all = (error: string) => new Map(ids.map((id) => [id, error]));
  let response: unknown;
  try {
    response = await handler(event, context);
  } catch (error) {
    return all(error instanceof Error ? error.message : String(error));
  }
  const parsed = BatchResponseSchema.safeParse(response);
  if (!parsed.success) return all("the handler's response is not a batch response");
  const failed = (parsed.data?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
  if (failed.some((id) => !ids.includes(id)))
    return all("batchItemFailures names a message not in the batch");
  return new Map(failed.map((id) => [id, notedRecordFailure(event, id) ?? "reported in batchItemFailures"]));
}

function toSqsEvent<T>(batch: ReceivedMessage<T>[], deps: DrainDeps<T>): SQSEvent {
  return {
    Records: batch.map((message) => {
      const body = deps.serialize(message.body);
      return {
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body,
        attributes: message.attributes,
        messageAttributes: {},
        md5OfBody: createHash("md5").update(body).digest("hex"),
        eventSource: "aws:sqs",
        eventSourceARN: deps.queue.arn,
        awsRegion: deps.region,
      };
    }),
  };
}

function lambdaContext(functionName: string, region: string, remaining: () => number): Context {
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
