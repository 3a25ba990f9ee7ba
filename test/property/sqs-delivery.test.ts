import { setTimeout as delay } from "node:timers/promises";
import type { Context, SQSEvent } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryQueue } from "../../packages/cli/src/local/memory-queue";
import { TransientError } from "../../packages/core/src/index";
import { createSqsBatchHandler } from "../../packages/lambda/src/sqs-batch";
import { createHandlerDeps } from "../helpers/batch-handler";
import { createFakePipeline } from "../helpers/fakes";

const SETTINGS = { seed: 20_261_214, numRuns: 20 };
const MAX_RECEIVES = 5;
// Long enough that a loaded machine's timer lag cannot outrun the heartbeat (a third of it); shorter than the slow messages.
const VISIBILITY_MS = 150;

/** One message: how often it fails before it succeeds (`always` never does) and how long each attempt takes. */
const messageArb = fc.record({
  fails: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: MAX_RECEIVES - 1 }) },
    { weight: 2, arbitrary: fc.constant("always" as const) },
  ),
  ms: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 15 }) },
    { weight: 1, arbitrary: fc.integer({ min: 2 * VISIBILITY_MS, max: 2 * VISIBILITY_MS + 50 }) },
  ),
});

const runArb = fc.record({
  messages: fc.array(messageArb, { minLength: 1, maxLength: 24 }),
  drains: fc.integer({ min: 1, max: 4 }),
  batchSize: fc.integer({ min: 1, max: 10 }),
  retryDelayMs: fc.integer({ min: 0, max: 5 }),
});

type Run = typeof runArb extends fc.Arbitrary<infer T> ? T : never;
const PlanSchema = z.object({ i: z.number().int() });

/**
 * Sends every message, drains the queue with several drains sharing one batch handler (as the local stack
 * does), and answers how each message ended: deletes that acknowledged it, dead letters, handler attempts.
 */
async function deliver(run: Run) {
  const queue = createMemoryQueue<string>({
    visibilityTimeoutMs: VISIBILITY_MS,
    maxReceives: MAX_RECEIVES,
    batchSize: run.batchSize,
  });
  const attempts = new Map<number, number>();
  const indexOf = new Map<string, number>();
  const deps = createHandlerDeps(createFakePipeline("data").deps, []);
  const handler = createSqsBatchHandler(deps, async (message) => {
    const { i } = PlanSchema.parse(JSON.parse(message.body));
    const attempt = (attempts.get(i) ?? 0) + 1;
    attempts.set(i, attempt);
    const plan = run.messages[i];
    await delay(plan?.ms ?? 0);
    if (plan?.fails === "always" || attempt <= (plan?.fails ?? 0))
      throw new TransientError(`attempt ${attempt}`);
  });
  // Which message each receipt handle names, so that every acknowledging delete can be counted.
  const handles = new Map<string, string>();
  const observed = (event: SQSEvent, context: Context) => {
    for (const record of event.Records) handles.set(record.receiptHandle, record.messageId);
    return handler(event, context);
  };
  const acknowledged = new Map<string, number>();
  const remove = queue.delete.bind(queue);
  queue.delete = (handle) => {
    const deleted = remove(handle);
    const id = handles.get(handle);
    if (deleted && id !== undefined) acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
    return deleted;
  };
  for (const [i] of run.messages.entries()) await queue.send(JSON.stringify({ i }));
  for (const message of queue.snapshot().messages)
    indexOf.set(message.messageId, PlanSchema.parse(JSON.parse(message.body)).i);

  await Promise.all(
    Array.from({ length: run.drains }, () =>
      queue.drain(observed, { timeoutMs: 30_000, retryDelayMs: run.retryDelayMs }),
    ),
  );
  return { queue, attempts, acknowledged, indexOf };
}

describe("local SQS delivery through a shared batch handler", () => {
  it("ends every message acknowledged or dead-lettered exactly once, losing none and dead-lettering no good one, whatever fails and however many drains run", async () => {
    await fc.assert(
      fc.asyncProperty(runArb, async (run) => {
        const { queue, attempts, acknowledged, indexOf } = await deliver(run);

        const dead = queue.deadLetters().map((d) => d.messageId);
        const poison = [...indexOf].filter(([, i]) => run.messages[i]?.fails === "always").map(([id]) => id);
        const good = [...indexOf].filter(([, i]) => run.messages[i]?.fails !== "always").map(([id]) => id);
        // Dead letters: exactly the always-failing messages, each once.
        expect(dead.sort()).toEqual(poison.sort());
        // Acknowledged: exactly the others, each once; none is both, none is neither.
        expect([...acknowledged.keys()].sort()).toEqual(good.sort());
        expect([...acknowledged.values()].every((n) => n === 1)).toBe(true);
        expect(queue.snapshot().messages).toEqual([]);
        // Receives counted as SQS counts them: a message is handled once per receive, never while it runs.
        for (const [id, i] of indexOf) {
          const plan = run.messages[i];
          const expected = plan?.fails === "always" ? MAX_RECEIVES : (plan?.fails ?? 0) + 1;
          expect({ id, attempts: attempts.get(i) }).toEqual({ id, attempts: expected });
        }
      }),
      SETTINGS,
    );
  }, 120_000);
});
