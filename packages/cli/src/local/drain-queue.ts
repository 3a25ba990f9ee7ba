import { setTimeout as delay } from "node:timers/promises";
import type { Context, SQSEvent } from "aws-lambda";
import { z } from "zod";
import { notedRecordFailure } from "./dead-letter-errors";
import { lambdaContext, startHeartbeat, toSqsEvent } from "./lambda-invocation";
import type { ReceivedMessage } from "./queue-snapshot";

/** A Lambda-style SQS handler: returns `{ batchItemFailures }` (or nothing) and may throw. */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => unknown;

/** When a drain stops early, how long it may take, and how it runs the function. */
export interface DrainOptions {
  /** Checked before each batch; the drain stops as soon as it answers true. */
  until?: () => boolean;
  /** Default 30 s of the queue's clock; past it the drain throws. */
  timeoutMs?: number;
  functionName?: string;
  /**
   * The function's timeout, as Lambda enforces it: each invocation starts with this much time left in its
   * context, and a handler that has not answered by then fails its whole batch. Default: the drain's time left.
   */
  functionTimeoutMs?: number;
  /**
   * A failed message is visible again this long after its failure (ChangeMessageVisibility) instead of at
   * the end of its visibility timeout, where SQS would leave it. Default: SQS's behaviour.
   */
  retryDelayMs?: number;
}

/** What a drain did. */
export interface DrainResult {
  batches: number;
  succeeded: number;
  failed: number;
}

/** What a drain does with the queue: MemoryQueue's receive, delete, fail and visibility, as SQS's consumer API. */
export interface DrainableQueue<T> {
  readonly arn: string;
  receive(max?: number): ReceivedMessage<T>[];
  delete(receiptHandle: string): boolean;
  changeVisibility(receiptHandle: string, timeoutMs: number): boolean;
  fail(receiptHandle: string, error?: unknown): boolean;
  size(): number;
  inFlight(): number;
}

/** What drainQueue needs from the queue beyond its public methods. */
export interface DrainDeps<T> {
  queue: DrainableQueue<T>;
  serialize: (body: T) => string;
  region: string;
  batchSize: number;
  /** How long a receive hides a message; the heartbeat extends it by as much while its batch runs. */
  visibilityTimeoutMs: number;
  now: () => number;
  sleep: ((ms: number) => Promise<void>) | undefined;
  /** Epoch ms at which the next hidden message reappears. */
  nextVisibleAt: () => number;
}

// Lambda's rules: no response or no failures is success; an unreadable response or an unknown id fails the batch.
const BatchResponseSchema = z
  .object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })).nullish() })
  .nullish();

// Another drain's batch can settle long before its messages' visibility timeout ends: look again this soon.
const POLL_MS = 50;

/**
 * Delivers batches as the Lambda SQS event source does: deletes what succeeded and leaves failures to
 * reappear, until the queue is empty and nothing is in flight. A batch's messages stay hidden while it runs
 * (a heartbeat), so a receive is counted only when a message is delivered again after its batch answered.
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
      const wakeAt = Math.min(deps.nextVisibleAt(), deadline + 1, now() + POLL_MS);
      if (queue.inFlight() > 0) await sleep(Math.max(1, wakeAt - now()));
      continue;
    }
    result.batches += 1;
    const endsAt =
      options.functionTimeoutMs === undefined
        ? deadline
        : Math.min(deadline, now() + options.functionTimeoutMs);
    const context = lambdaContext(options.functionName ?? "local-handler", deps.region, () => endsAt - now());
    const event = toSqsEvent(batch, { arn: queue.arn, region: deps.region, serialize: deps.serialize });
    const heartbeat = startHeartbeat(
      queue,
      batch.map((m) => m.receiptHandle),
      deps.visibilityTimeoutMs,
    );
    const failures = await invoke(handler, event, context, options.functionTimeoutMs).finally(heartbeat.stop);
    for (const message of batch) {
      const error = failures.get(message.messageId);
      if (error === undefined) {
        queue.delete(message.receiptHandle);
        result.succeeded += 1;
      } else {
        queue.fail(message.receiptHandle, error);
        if (options.retryDelayMs !== undefined)
          queue.changeVisibility(message.receiptHandle, options.retryDelayMs);
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
  timeoutMs: number | undefined,
): Promise<Map<string, string>> {
  const ids = event.Records.map((r) => r.messageId);
  const all = (error: string) => new Map(ids.map((id) => [id, error]));
  let response: unknown;
  try {
    response = await withTimeout(async () => handler(event, context), timeoutMs);
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

/** Lambda's timeout: the invocation fails with Lambda's own message when `run` has not answered in time. */
async function withTimeout(run: () => Promise<unknown>, timeoutMs: number | undefined): Promise<unknown> {
  if (timeoutMs === undefined) return run();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
