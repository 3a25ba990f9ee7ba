import { setTimeout as delay } from "node:timers/promises";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { SqsSchema } from "@aws-lambda-powertools/parser/schemas";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryQueue, type MemoryQueueOptions } from "../../../../packages/cli/src/local/memory-queue";
import {
  type MemoryQueueSnapshot,
  memoryQueueSnapshotSchema,
} from "../../../../packages/cli/src/local/queue-snapshot";
import type { WorkMessage } from "../../../../packages/core/src/jobs/work-message";
import type { WorkQueue } from "../../../../packages/core/src/ports/work-queue";

/** A virtual clock: sleeping advances it at once, so visibility timeouts cost no real time. */
function virtualTime(start = 1_700_000_000_000) {
  let t = start;
  let ids = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    newId: () => `id-${++ids}`,
  };
}

function queueOf<T = string>(options: MemoryQueueOptions<T> = {}) {
  const time = virtualTime();
  const queue = createMemoryQueue<T>({
    visibilityTimeoutMs: 1_000,
    maxReceives: 3,
    now: time.now,
    sleep: time.sleep,
    newId: time.newId,
    ...options,
  });
  return { queue, time };
}

const bodiesOf = (event: SQSEvent) => event.Records.map((r) => r.body);

describe("createMemoryQueue", () => {
  it("receives at most `max` messages and hides them while in flight", async () => {
    // Prepare
    const { queue } = queueOf();
    for (const body of ["a", "b", "c"]) await queue.send(body);

    // Act
    const first = queue.receive(2);
    const second = queue.receive(2);

    // Assert
    expect(first.map((m) => m.body)).toEqual(["a", "b"]);
    expect(second.map((m) => m.body)).toEqual(["c"]);
    expect(queue.receive(2)).toEqual([]);
    expect(queue.size()).toBe(0);
    expect(queue.inFlight()).toBe(3);
  });

  it("redelivers a message with a new receipt handle when its visibility timeout expires", async () => {
    // Prepare
    const { queue, time } = queueOf();
    await queue.send("a");
    const [first] = queue.receive();
    time.advance(999);
    const hidden = queue.receive();

    // Act
    time.advance(1);
    const [second] = queue.receive();

    // Assert
    expect(hidden).toEqual([]);
    expect(second?.messageId).toBe(first?.messageId);
    expect(second?.receiveCount).toBe(2);
    expect(second?.attributes.ApproximateReceiveCount).toBe("2");
    expect(second?.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first?.attributes.ApproximateFirstReceiveTimestamp,
    );
    expect(queue.delete(first?.receiptHandle ?? "")).toBe(false);
    expect(queue.delete(second?.receiptHandle ?? "")).toBe(true);
    expect(queue.size() + queue.inFlight()).toBe(0);
  });

  it("serves as core's WorkQueue when it carries WorkMessage bodies", async () => {
    // Prepare
    const { queue } = queueOf<WorkMessage>();
    const work: WorkQueue = queue;
    const message: WorkMessage = {
      type: "rederive-prefix",
      bucket: "data",
      prefix: "ds1/",
      source: "ds1/_defaults.json",
      sequencer: "0062F1A3B4C5D6E7F8",
      cursor: null,
    };

    // Act
    await work.send(message);
    message.cursor = "changed after send";

    // Assert
    expect(queue.receive().map((m) => m.body)).toEqual([{ ...message, cursor: null }]);
  });

  it("stamps SentTimestamp with the send time when a message is received later", async () => {
    // Prepare
    const { queue, time } = queueOf();
    const sentAt = time.now();
    await queue.send("a");
    time.advance(250);

    // Act
    const [message] = queue.receive();

    // Assert
    expect(message?.attributes).toEqual({
      ApproximateReceiveCount: "1",
      SentTimestamp: String(sentAt),
      SenderId: "LOCAL",
      ApproximateFirstReceiveTimestamp: String(sentAt + 250),
    });
  });

  it("makes a message visible again at once when its visibility is changed to zero", async () => {
    // Prepare
    const { queue } = queueOf();
    await queue.send("a");
    const [message] = queue.receive();

    // Act
    const changed = queue.changeVisibility(message?.receiptHandle ?? "", 0);

    // Assert
    expect(changed).toBe(true);
    expect(queue.size()).toBe(1);
    expect(queue.receive().map((m) => m.receiveCount)).toEqual([2]);
  });

  it("dead-letters a message with its last error when a receive would exceed maxReceives", async () => {
    // Prepare
    const { queue, time } = queueOf({ maxReceives: 2 });
    await queue.send("poison");
    for (const attempt of [1, 2]) {
      const [message] = queue.receive();
      queue.fail(message?.receiptHandle ?? "", new Error(`attempt ${attempt} failed`));
      time.advance(1_000);
    }

    // Act
    const third = queue.receive();

    // Assert
    expect(third).toEqual([]);
    expect(queue.size() + queue.inFlight()).toBe(0);
    expect(queue.deadLetters()).toMatchObject([
      { body: "poison", receiveCount: 2, lastError: "attempt 2 failed" },
    ]);
  });
});

describe("drain", () => {
  it("delivers SQS Lambda events that Powertools' SqsSchema accepts, in batches of batchSize", async () => {
    // Prepare
    const { queue } = queueOf({ batchSize: 2, name: "ingest" });
    for (const body of ["a", "b", "c", "d", "e"]) await queue.send(body);
    const events: SQSEvent[] = [];

    // Act
    const result = await queue.drain((event) => {
      events.push(event);
    });

    // Assert
    expect(events.map(bodiesOf)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    for (const event of events) expect(SqsSchema.safeParse(event).success).toBe(true);
    expect(events[0]?.Records[0]).toMatchObject({
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:ingest",
      md5OfBody: "0cc175b9c0f1b6a831c399e269772661",
      messageAttributes: {},
    });
    expect(result).toEqual({ batches: 3, succeeded: 5, failed: 0 });
    expect(queue.size() + queue.inFlight()).toBe(0);
  });

  it("retries only the batchItemFailures when a handler reports a partial failure", async () => {
    // Prepare
    const { queue } = queueOf();
    for (const body of ["ok-1", "flaky", "ok-2"]) await queue.send(body);
    const seen: string[] = [];
    let flakyFailures = 0;
    const handler = (event: SQSEvent) => {
      seen.push(...bodiesOf(event));
      const failing = event.Records.filter((r) => r.body === "flaky" && flakyFailures++ < 2);
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    };

    // Act
    const result = await queue.drain(handler);

    // Assert
    expect(seen).toEqual(["ok-1", "flaky", "ok-2", "flaky", "flaky"]);
    expect(result).toEqual({ batches: 3, succeeded: 3, failed: 2 });
    expect(queue.deadLetters()).toEqual([]);
  });

  it("ends with a dead letter when Powertools' batch processor keeps failing one record", async () => {
    // Prepare
    const { queue } = queueOf();
    for (const body of ["good", "bad", "also good"]) await queue.send(body);
    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SQSRecord) => {
      if (record.body === "bad") throw new Error("sidecar is not JSON");
    };

    // Act
    const result = await queue.drain((event, context) =>
      processPartialResponse(event, recordHandler, processor, { context }),
    );

    // Assert
    expect(result).toEqual({ batches: 3, succeeded: 2, failed: 3 });
    // Alone in its batch, the record makes Powertools throw FullBatchFailureError, as in Lambda.
    expect(queue.deadLetters()).toMatchObject([
      { body: "bad", receiveCount: 3, lastError: expect.stringMatching(/^All records failed processing/) },
    ]);
  });

  it("retries the whole batch with the thrown message when the handler throws", async () => {
    // Prepare
    const { queue } = queueOf({ maxReceives: 1 });
    for (const body of ["a", "b"]) await queue.send(body);

    // Act
    const result = await queue.drain(() => {
      throw new Error("table is throttled");
    });

    // Assert
    expect(result).toEqual({ batches: 1, succeeded: 0, failed: 2 });
    expect(queue.deadLetters().map((d) => [d.body, d.lastError])).toEqual([
      ["a", "table is throttled"],
      ["b", "table is throttled"],
    ]);
  });

  it("fails the whole batch when batchItemFailures names a message not in the batch", async () => {
    // Prepare
    const { queue } = queueOf({ maxReceives: 1 });
    await queue.send("a");

    // Act
    await queue.drain(() => ({ batchItemFailures: [{ itemIdentifier: "not-a-message" }] }));

    // Assert
    expect(queue.deadLetters().map((d) => d.lastError)).toEqual([
      "batchItemFailures names a message not in the batch",
    ]);
  });

  it("stops before the next batch when `until` answers true", async () => {
    // Prepare
    const { queue } = queueOf({ batchSize: 1 });
    for (const body of ["a", "b", "c"]) await queue.send(body);
    const seen: string[] = [];

    // Act
    const result = await queue.drain((event) => void seen.push(...bodiesOf(event)), {
      until: () => seen.includes("b"),
    });

    // Assert
    expect(seen).toEqual(["a", "b"]);
    expect(result.batches).toBe(2);
    expect(queue.size()).toBe(1);
  });

  it("throws when messages are still hidden at timeoutMs", async () => {
    // Prepare
    const { queue } = queueOf({ visibilityTimeoutMs: 60_000 });
    await queue.send("a");

    // Act
    const drained = queue.drain(() => ({ batchItemFailures: [{ itemIdentifier: "id-1" }] }), {
      timeoutMs: 5_000,
    });

    // Assert
    await expect(drained).rejects.toThrow(/timed out after 5000 ms: 0 queued, 1 in flight/);
  });

  it("waits for hidden messages on the real clock when no sleep is injected", async () => {
    // Prepare
    const queue = createMemoryQueue({ visibilityTimeoutMs: 20 });
    await queue.send("a");
    let attempts = 0;

    // Act
    const started = Date.now();
    await queue.drain(() => {
      attempts += 1;
      if (attempts === 1) throw new Error("first attempt fails");
    });

    // Assert
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(19);
  });

  it("receives a slow message once, and neither redelivers nor dead-letters it, while its batch outlasts the visibility timeout", async () => {
    // Prepare: the old local visibility of 1 s, a batch that runs 1.5 s, and a second drain on the same queue
    const queue = createMemoryQueue({ visibilityTimeoutMs: 1_000, maxReceives: 1 });
    await queue.send("slow");
    const receives: string[] = [];
    const handler = async (event: SQSEvent) => {
      receives.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      await delay(1_500);
    };

    // Act
    const results = await Promise.all([queue.drain(handler), queue.drain(handler)]);

    // Assert
    expect(receives).toEqual(["1"]);
    expect(results.map((r) => r.succeeded).sort()).toEqual([0, 1]);
    expect(queue.deadLetters()).toEqual([]);
    expect(queue.size() + queue.inFlight()).toBe(0);
  });

  it("makes a failed message visible again after retryDelayMs when one is given", async () => {
    // Prepare
    const { queue, time } = queueOf({ visibilityTimeoutMs: 60_000 });
    await queue.send("flaky");
    const attemptsAt: number[] = [];

    // Act
    await queue.drain(
      () => {
        attemptsAt.push(time.now());
        if (attemptsAt.length === 1) throw new Error("throttled");
      },
      { retryDelayMs: 1_000 },
    );

    // Assert
    expect(attemptsAt.length).toBe(2);
    expect((attemptsAt[1] ?? 0) - (attemptsAt[0] ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect((attemptsAt[1] ?? 0) - (attemptsAt[0] ?? 0)).toBeLessThan(2_000);
  });

  it("gives each batch the function's timeout as its remaining time when functionTimeoutMs is given", async () => {
    // Prepare
    const { queue } = queueOf();
    await queue.send("a");
    let remaining = 0;

    // Act
    await queue.drain(
      (_event, context) => {
        remaining = context.getRemainingTimeInMillis();
      },
      { functionTimeoutMs: 60_000, timeoutMs: 3_600_000 },
    );

    // Assert
    expect(remaining).toBe(60_000);
  });

  it("fails the whole batch with Lambda's message when the handler has not answered by functionTimeoutMs", async () => {
    // Prepare
    const queue = createMemoryQueue({ maxReceives: 1, visibilityTimeoutMs: 10_000 });
    await queue.send("hangs");

    // Act
    await queue.drain(() => new Promise(() => undefined), { functionTimeoutMs: 50, retryDelayMs: 0 });

    // Assert
    expect(queue.deadLetters().map((d) => [d.body, d.lastError])).toEqual([
      ["hangs", "Task timed out after 0.05 seconds"],
    ]);
  });

  it("sends non-string bodies as JSON when the queue carries objects", async () => {
    // Prepare
    const { queue } = queueOf<{ type: string; prefix: string }>();
    await queue.send({ type: "rederive-prefix", prefix: "a b/" });
    const bodies: string[] = [];

    // Act
    await queue.drain((event) => void bodies.push(...bodiesOf(event)));

    // Assert
    expect(bodies).toEqual(['{"type":"rederive-prefix","prefix":"a b/"}']);
  });
});

describe("snapshot", () => {
  it("restores into a new queue the in-flight, visible and dead messages when read back as JSON", async () => {
    // Prepare
    const { queue, time } = queueOf({ maxReceives: 1 });
    for (const body of ["dead", "in flight", "waiting"]) await queue.send(body);
    const [dead] = queue.receive(1);
    queue.fail(dead?.receiptHandle ?? "", "bad sidecar");
    time.advance(1_000);
    queue.receive(1); // dead-letters "dead", then receives "in flight"
    const text = JSON.stringify(queue.snapshot());

    // Act
    const copy = queueOf({ maxReceives: 1 });
    copy.time.advance(time.now() - copy.time.now());
    copy.queue.restore(memoryQueueSnapshotSchema(z.string()).parse(JSON.parse(text)));

    // Assert
    expect(copy.queue.size()).toBe(1);
    expect(copy.queue.inFlight()).toBe(1);
    expect(copy.queue.deadLetters()).toMatchObject([{ body: "dead", lastError: "bad sidecar" }]);
    expect(copy.queue.snapshot()).toEqual(queue.snapshot());
  });

  it("reports every change to onChange with a copy of the state", async () => {
    // Prepare
    const snapshots: MemoryQueueSnapshot<string>[] = [];
    const { queue } = queueOf({ onChange: (s) => snapshots.push(s) });

    // Act
    await queue.send("a");
    const [message] = queue.receive();
    queue.delete(message?.receiptHandle ?? "");

    // Assert
    expect(snapshots.map((s) => s.messages.map((m) => m.receiveCount))).toEqual([[0], [1], []]);
  });

  it("rejects a snapshot whose bodies do not match the schema when parsed", () => {
    // Prepare
    const snapshot = { version: 1, messages: [{ body: 42 }], deadLetters: [] };

    // Act
    const parsed = memoryQueueSnapshotSchema(z.string()).safeParse(snapshot);

    // Assert
    expect(parsed.success).toBe(false);
  });
});
