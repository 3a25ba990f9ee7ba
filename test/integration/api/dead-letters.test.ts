import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../../../packages/api/src/index";
import { createMemoryDeadLetters } from "../../../packages/cli/src/local/memory-dead-letters";
import { createMemoryQueue } from "../../../packages/cli/src/local/memory-queue";
import { openPersistentQueue } from "../../../packages/cli/src/local-queues";
import { startLocalStack } from "../../../packages/cli/src/local-stack";
import { createApiDeps } from "../../../packages/lambda/src/api-deps";
import { callApi } from "../../helpers/api-request";
import { createRecordsTable } from "../../helpers/emulators";
import { type PipelineHarness, startPipeline } from "../../helpers/pipeline-harness";

const TOKEN = "test-token-0123456789";
const TABLE = "sluice-records";

let h: PipelineHarness;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  h = await startPipeline();
  const deadLetters = createMemoryDeadLetters({ ingest: h.ingestQueue, work: h.workQueue });
  app = createApp({ ...createApiDeps(h.deps, TOKEN), deadLetters });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const call = (
  target: ReturnType<typeof createApp>,
  path: string,
  init: { method?: string; json?: unknown } = {},
) => callApi(target, TOKEN, path, init);

describe("dead letters through the API", () => {
  it("shows an event that failed five times with its error, redrives it once the cause is fixed, and keeps the record exactly-once", async () => {
    // Prepare: the records table is gone, so every ingest of the upload fails until its receives run out.
    await h.dynamo.client.send(new DeleteTableCommand({ TableName: TABLE }));
    await h.put("dl/a.txt", "hello\n");
    await h.settle();

    // Act: list, fix the cause, redrive, process; then redrive again.
    const listed = await call(app, "/dead-letters");
    await createRecordsTable(h.dynamo.client, TABLE);
    const redriven = await call(app, "/dead-letters/redrive", { method: "POST" });
    await h.settle();
    const record = await h.record("dl/a.txt");
    const after = await call(app, "/dead-letters");
    const again = await call(app, "/dead-letters/redrive", { method: "POST", json: {} });
    const byId = await call(app, "/dead-letters/redrive", {
      method: "POST",
      json: { queue: "ingest", ids: [listed.body.deadLetters[0]?.id] },
    });

    // Assert
    expect(listed.status).toBe(200);
    expect(listed.body.total).toEqual({ ingest: 1, work: 0 });
    expect(listed.body.deadLetters).toEqual([
      {
        id: expect.any(String),
        queue: "ingest",
        body: expect.objectContaining({ "detail-type": "Object Created" }),
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        receiveCount: 5,
        lastError: expect.stringContaining("ResourceNotFoundException"),
        attributes: {},
      },
    ]);
    expect(listed.body.deadLetters[0].body.detail.object.key).toBe("dl/a.txt");
    expect(redriven).toEqual({ status: 200, body: { moved: 1, failed: [], notFound: [], more: false } });
    expect(record).toMatchObject({ key: "dl/a.txt", status: "ready" });
    expect(after.body).toEqual({ deadLetters: [], total: { ingest: 0, work: 0 } });
    expect(again.body).toEqual({ moved: 0, failed: [], notFound: [], more: false });
    expect(byId.body).toEqual({
      moved: 0,
      failed: [],
      notFound: [listed.body.deadLetters[0]?.id],
      more: false,
    });
  });

  it("leaves the record and the import unchanged when a redriven event is delivered again", async () => {
    // Prepare: a dead letter redriven once and processed (as in the crash-between-send-and-delete case, its
    // body is then sent once more).
    await h.dynamo.client.send(new DeleteTableCommand({ TableName: TABLE }));
    await h.put("dl/b.txt", "bee\n");
    await h.settle();
    const dead = h.ingestQueue.deadLetters();
    await createRecordsTable(h.dynamo.client, TABLE);
    await call(app, "/dead-letters/redrive", { method: "POST", json: { queue: "ingest" } });
    await h.settle();
    await h.exportNow();
    const first = await h.record("dl/b.txt");

    // Act
    for (const letter of dead) await h.ingestQueue.send(letter.body);
    await h.settle();
    await h.exportNow();
    const second = await h.record("dl/b.txt");
    const entries = (await h.exportedEntries()).filter((e) => String(e.objectUrl).endsWith("/dl/b.txt"));

    // Assert
    expect(dead).toHaveLength(1);
    expect(first?.revision).toBeGreaterThan(0);
    expect(second?.revision).toBe(first?.revision);
    expect(second?.updatedAt).toBe(first?.updatedAt);
    expect(entries).toHaveLength(1);
  });

  it("validates the redrive body and the list query", async () => {
    const badQueue = await call(app, "/dead-letters?queue=export");
    const badBody = await call(app, "/dead-letters/redrive", { method: "POST", json: { ids: [] } });

    expect(badQueue.status).toBe(400);
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.code).toBe("invalid-request");
  });

  it("answers 501 not-configured when the composition root gave no dead letters", async () => {
    const bare = createApp(createApiDeps(h.deps, TOKEN));

    const listed = await call(bare, "/dead-letters");
    const redriven = await call(bare, "/dead-letters/redrive", { method: "POST" });

    expect(listed.status).toBe(501);
    expect(listed.body.error.code).toBe("not-configured");
    expect(redriven.status).toBe(501);
  });
});

describe("createMemoryDeadLetters over the local stack's persisted queues", () => {
  it("keeps a redrive across a restart: the dead letter gone, the message queued again", async () => {
    // Prepare: a queue that dead-letters on the second receive of a failed message.
    const dataDir = await mkdtemp(join(tmpdir(), "sluice-dl-"));
    try {
      const opened = await openPersistentQueue(dataDir, "work", z.unknown());
      await opened.queue.send({ type: "rederive-prefix", prefix: "x/" });
      for (let i = 0; i < 6; i += 1) {
        for (const got of opened.queue.receive()) {
          opened.queue.fail(got.receiptHandle, new Error("boom"));
          opened.queue.changeVisibility(got.receiptHandle, 0);
        }
      }
      const before = await createMemoryDeadLetters({
        ingest: createMemoryQueue<string>(),
        work: opened.queue,
      }).list("work", 10);

      // Act
      const outcome = await createMemoryDeadLetters({
        ingest: createMemoryQueue<string>(),
        work: opened.queue,
      }).redrive("work");
      await opened.flush();
      const reopened = await openPersistentQueue(dataDir, "work", z.unknown());

      // Assert
      expect(before.messages).toEqual([
        expect.objectContaining({
          queue: "work",
          receiveCount: 5,
          lastError: "boom",
          body: { type: "rederive-prefix", prefix: "x/" },
        }),
      ]);
      expect(outcome).toEqual({ moved: 1, failed: [], notFound: [], more: false });
      expect(reopened.queue.deadLetters()).toEqual([]);
      expect(reopened.queue.receive().map((m) => m.body)).toEqual([
        { type: "rederive-prefix", prefix: "x/" },
      ]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the local stack's /dead-letters", () => {
  it("lists a dead letter of its work queue and sends it back to that queue on redrive", async () => {
    // Prepare: a stack that does not drain, and a work message that failed all its receives.
    const dataDir = await mkdtemp(join(tmpdir(), "sluice-dl-stack-"));
    const stack = await startLocalStack(
      { DATA_DIR: dataDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0" },
      { drain: false, onError: () => undefined },
    );
    try {
      const work = {
        type: "rederive-prefix",
        bucket: stack.bucket,
        prefix: "x/",
        source: "x/_defaults.json",
        sequencer: "0A",
        cursor: null,
      } as const;
      await stack.queues.work.send(work);
      for (let i = 0; i < 6; i += 1) {
        for (const got of stack.queues.work.receive())
          stack.queues.work.changeVisibility(got.receiptHandle, 0);
      }
      const request = (path: string, method = "GET") =>
        fetch(`${stack.apiUrl}${path}`, { method, headers: { Authorization: `Bearer ${stack.token}` } }).then(
          async (res) => ({ status: res.status, body: JSON.parse(await res.text()) }),
        );

      // Act
      const listed = await request("/dead-letters?queue=work");
      const redriven = await request("/dead-letters/redrive", "POST");

      // Assert
      expect(listed.status).toBe(200);
      expect(listed.body.deadLetters).toEqual([
        expect.objectContaining({ queue: "work", body: work, receiveCount: 5 }),
      ]);
      expect(redriven.body).toEqual({ moved: 1, failed: [], notFound: [], more: false });
      expect(stack.queues.work.deadLetters()).toEqual([]);
      expect(stack.queues.work.receive().map((m) => m.body)).toEqual([work]);
    } finally {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
