import { setTimeout as delay } from "node:timers/promises";
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TransientError } from "../../../packages/core/src/index";
import { createSqsBatchHandler, type SqsRecordHandler } from "../../../packages/lambda/src/sqs-batch";
import { UnparseableMessageError } from "../../../packages/lambda/src/unparseable-message-error";
import { createHandlerDeps, lambdaContext, sqsBatch } from "../../helpers/batch-handler";
import { createFakePipeline } from "../../helpers/fakes";

/** A message body for `handleScripted`: wait `ms`, then fail or succeed. */
const step = (ms: number, outcome: "ok" | "fail") => JSON.stringify({ ms, outcome });

const StepSchema = z.object({ ms: z.number(), outcome: z.enum(["ok", "fail"]) });

/** Waits as the body says, then throws a transient error when it says so. */
const handleScripted: SqsRecordHandler = async (message) => {
  const { ms, outcome } = StepSchema.parse(JSON.parse(message.body));
  await delay(ms);
  if (outcome === "fail") throw new TransientError(`failed after ${ms} ms`);
};

/** An SQS event whose message ids start with `prefix`, so that two batches can be told apart. */
function batchOf(prefix: string, bodies: string[]) {
  const event = sqsBatch(bodies);
  for (const record of event.Records) record.messageId = `${prefix}-${record.messageId}`;
  return event;
}

/** A Lambda context with `ms` left, counting down on the real clock. */
function contextWith(ms: number): Context {
  const endsAt = Date.now() + ms;
  return { ...lambdaContext(), getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()) };
}

function handlerWith(handleRecord: SqsRecordHandler, marginMs?: number) {
  const lines: Record<string, unknown>[] = [];
  const deps = createHandlerDeps(createFakePipeline("data").deps, lines);
  return { handle: createSqsBatchHandler(deps, handleRecord, { marginMs }), lines };
}

describe("createSqsBatchHandler", () => {
  it("answers each of two overlapping batches with its own failures when they run through one handler", async () => {
    // Prepare: batch a fails early and succeeds late; batch b starts while a runs and fails in between
    const { handle } = handlerWith(handleScripted);
    const a = batchOf("a", [step(1, "fail"), step(60, "ok")]);
    const b = batchOf("b", [step(5, "ok"), step(20, "fail")]);

    // Act
    const first = handle(a, lambdaContext());
    await delay(10);
    const second = handle(b, lambdaContext());
    const responses = await Promise.all([first, second]);

    // Assert
    expect(responses).toEqual([
      { batchItemFailures: [{ itemIdentifier: "a-m0" }] },
      { batchItemFailures: [{ itemIdentifier: "b-m1" }] },
    ]);
  });

  it("reports a message still running at the deadline as failed and answers by then when one message hangs", async () => {
    // Prepare: 300 ms before the deadline (remaining time less the margin); one message would take 3 s
    const { handle, lines } = handlerWith(handleScripted, 1_000);
    const event = sqsBatch([step(5, "ok"), step(3_000, "ok"), step(5, "ok")]);

    // Act
    const started = Date.now();
    const response = await handle(event, contextWith(1_300));
    const elapsed = Date.now() - started;

    // Assert
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m1" }] });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_300);
    expect(lines.filter((l) => l.message === "message failed")).toMatchObject([
      { messageId: "m1", error: expect.stringMatching(/^DeadlineExceededError: still running/) },
    ]);
  });

  it("returns every message as a failure without starting it when the remaining time is within the margin", async () => {
    // Prepare
    let started = 0;
    const { handle } = handlerWith(async () => {
      started += 1;
    }, 5_000);
    const event = sqsBatch(["a", "b", "c"]);

    // Act
    const response = await handle(event, contextWith(4_000));

    // Assert
    expect(started).toBe(0);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: "m0" }, { itemIdentifier: "m1" }, { itemIdentifier: "m2" }],
    });
  });

  it("keeps the default margin of 5 s when no margin is given", async () => {
    // Prepare
    let started = 0;
    const { handle } = handlerWith(async () => {
      started += 1;
    });

    // Act
    const early = await handle(sqsBatch(["a"]), contextWith(5_500));
    const late = await handle(sqsBatch(["a"]), contextWith(4_900));

    // Assert
    expect(started).toBe(1);
    expect(early).toEqual({ batchItemFailures: [] });
    expect(late).toEqual({ batchItemFailures: [{ itemIdentifier: "m0" }] });
  });
});

describe("createSqsBatchHandler's error boundary", () => {
  it("acknowledges an unparseable message and retries a permanent, transient or unknown failure (to reach the dead letters) when the handler throws each", async () => {
    // Prepare
    const permanent = Object.assign(new Error("access denied"), { retryable: false as const });
    const thrown: Record<string, unknown> = {
      unparseable: new UnparseableMessageError("unparseable message"),
      permanent,
      transient: new TransientError("SlowDown"),
      unknown: new Error("a bug"),
    };
    const { handle } = handlerWith(async (message) => {
      if (message.body in thrown) throw thrown[message.body];
    });

    // Act
    const response = await handle(
      sqsBatch(["ok", "unparseable", "permanent", "transient", "unknown"]),
      lambdaContext(),
    );

    // Assert
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: "m2" }, { itemIdentifier: "m3" }, { itemIdentifier: "m4" }],
    });
  });
});
