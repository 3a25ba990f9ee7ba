import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { SQSEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryQueue } from "../../../packages/cli/src/local/memory-queue";
import {
  LOCAL_FUNCTION_TIMEOUT_MS,
  openPersistentQueue,
  queueVisibilityMs,
  startDrainLoop,
} from "../../../packages/cli/src/local-queues";

/** A number the deployed stack sets, read from its source (stacks/ runs only inside SST, so it cannot be imported). */
function stackNumber(pattern: RegExp): number {
  const source = readFileSync(resolve(import.meta.dirname, "../../../stacks/ingest.ts"), "utf8");
  const found = pattern.exec(source)?.[1];
  if (found === undefined) throw new Error(`stacks/ingest.ts no longer matches ${pattern}`);
  return Number(found);
}

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-local-queues-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition() && Date.now() < end; ) await delay(10);
}

describe("LOCAL_FUNCTION_TIMEOUT_MS", () => {
  it("equals the deployed functions' timeouts and visibility factor when compared with stacks/ingest.ts", () => {
    expect(LOCAL_FUNCTION_TIMEOUT_MS.ingest).toBe(1000 * stackNumber(/INGEST_TIMEOUT_SECONDS = (\d+);/));
    expect(LOCAL_FUNCTION_TIMEOUT_MS.work).toBe(1000 * stackNumber(/WORK_TIMEOUT_SECONDS = (\d+);/));
    const factor = stackNumber(/visibilityTimeout: `\$\{(\d+) \* functionTimeoutSeconds\} seconds`/);
    expect(queueVisibilityMs(1_000)).toBe(factor * 1_000);
  });
});

describe("openPersistentQueue", () => {
  it("hides a received message for the visibility timeout it is opened with", async () => {
    // Prepare
    const { queue, flush } = await openPersistentQueue(dataDir, "ingest", z.string(), {
      visibilityTimeoutMs: queueVisibilityMs(LOCAL_FUNCTION_TIMEOUT_MS.ingest),
    });
    await queue.send("a");

    // Act
    const before = Date.now();
    queue.receive();
    const [stored] = queue.snapshot().messages;
    await flush();

    // Assert
    expect((stored?.visibleAt ?? 0) - before).toBeGreaterThanOrEqual(360_000);
    expect((stored?.visibleAt ?? 0) - before).toBeLessThan(361_000);
  });
});

describe("startDrainLoop", () => {
  it("dead-letters a message that always fails after as many receives as the stack allows, and acknowledges the rest", async () => {
    // Prepare
    const { queue, flush } = await openPersistentQueue(dataDir, "ingest", z.string());
    for (const body of ["good-1", "poison", "good-2"]) await queue.send(body);
    const seen: string[] = [];
    const handler = (event: SQSEvent) => {
      seen.push(...event.Records.map((r) => r.body));
      const failed = event.Records.filter((r) => r.body === "poison");
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    };

    // Act
    const loop = startDrainLoop(queue, handler, () => undefined, { retryDelayMs: 5, idleMs: 5 });
    await until(() => queue.deadLetters().length > 0 && queue.size() + queue.inFlight() === 0);
    await loop.stop();
    // Written before the directory is removed, or a pending write would recreate files in it.
    await flush();

    // Assert
    const maxReceives = stackNumber(/MAX_RECEIVES = (\d+);/);
    expect(queue.deadLetters()).toMatchObject([{ body: "poison", receiveCount: maxReceives }]);
    expect(seen.filter((b) => b === "poison")).toHaveLength(maxReceives);
    expect(seen.filter((b) => b !== "poison").sort()).toEqual(["good-1", "good-2"]);
  });

  it("fails a batch that outlasts the function's timeout, and lets the other drains go on meanwhile", async () => {
    // Prepare
    const queue = createMemoryQueue<string>({ batchSize: 1, visibilityTimeoutMs: 60_000 });
    for (const body of ["hangs", "quick"]) await queue.send(body);
    const seen: string[] = [];
    const handler = async (event: SQSEvent) => {
      seen.push(...event.Records.map((r) => r.body));
      if (event.Records.some((r) => r.body === "hangs")) await new Promise(() => undefined);
    };

    // Act
    const loop = startDrainLoop(queue, handler, () => undefined, {
      functionTimeoutMs: 100,
      retryDelayMs: 60_000,
      idleMs: 5,
      parallel: 2,
    });
    await until(() => seen.includes("quick") && queue.snapshot().messages.length === 1);
    await until(() => queue.snapshot().messages[0]?.lastError !== null, 2_000);
    await loop.stop();

    // Assert
    expect(queue.snapshot().messages).toMatchObject([
      { body: "hangs", receiveCount: 1, lastError: "Task timed out after 0.10 seconds" },
    ]);
  });
});
