import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { AccessDeniedError, TransientError } from "../../../packages/core/src/index";
import { createIngestHandler } from "../../../packages/lambda/src/ingest-handler";
import { createHandlerDeps, lambdaContext, sqsBatch } from "../../helpers/batch-handler";
import { createFakePipeline } from "../../helpers/fakes";
import { mediaBytes } from "../../helpers/media";

/** An EventBridge `Object Created` event as the ingest queue receives it. */
function objectCreated(key: string, sequencer: string): string {
  return JSON.stringify({
    version: "0",
    id: `event-${key}`,
    "detail-type": "Object Created",
    source: "aws.s3",
    account: "000000000000",
    time: "2026-01-01T00:00:00Z",
    region: "eu-west-1",
    resources: ["arn:aws:s3:::data"],
    detail: {
      version: "0",
      bucket: { name: "data" },
      object: { key, size: 1, etag: "e", sequencer },
      "request-id": "r",
      requester: "000000000000",
      reason: "PutObject",
    },
  });
}

const pick = (line: Record<string, unknown>) => ({
  message: line.message,
  messageId: line.messageId,
  key: line.key,
});

describe("createIngestHandler", () => {
  it("gives every log line the key of its own message when the batch's messages are handled at once", async () => {
    // Prepare: the first message's storage answers last, and d.png's fails, so the messages interleave
    const p = createFakePipeline("data");
    for (const key of ["a.png", "b.png", "c.png"]) p.objects.put(key, mediaBytes("image.png"));
    const open = p.objects.open.bind(p.objects);
    const waits: Record<string, number> = { "a.png": 40, "b.png": 25, "c.png": 10, "d.png": 5 };
    p.objects.open = async (key) => {
      await delay(waits[key] ?? 0);
      if (key === "d.png") throw new TransientError("S3 answered SlowDown");
      return open(key);
    };
    const lines: Record<string, unknown>[] = [];
    const ingest = createIngestHandler(createHandlerDeps(p.deps, lines));
    const event = sqsBatch([
      objectCreated("a.png", "01"),
      "not an event",
      objectCreated("b.png", "02"),
      objectCreated("c.png", "03"),
      objectCreated("d.png", "04"),
    ]);

    // Act
    const response = await ingest(event, lambdaContext());

    // Assert
    const byMessage = (a: { messageId: unknown }, b: { messageId: unknown }) =>
      String(a.messageId).localeCompare(String(b.messageId));
    expect(lines.map(pick).sort(byMessage)).toEqual([
      { message: "ingested", messageId: "m0", key: "a.png" },
      { message: "unparseable message", messageId: "m1", key: undefined },
      { message: "ingested", messageId: "m2", key: "b.png" },
      { message: "ingested", messageId: "m3", key: "c.png" },
      { message: "message failed", messageId: "m4", key: "d.png" },
    ]);
    expect(lines.filter((l) => l.message === "ingested").map((l) => l.key)).toEqual([
      "c.png",
      "b.png",
      "a.png",
    ]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m4" }] });
  });
});

describe("createIngestHandler's deadline", () => {
  it("answers within the function's time with only the hanging object's message failed when its storage never answers", async () => {
    // Prepare: hang.png's read never settles; the Lambda has the 5 s margin plus 300 ms left
    const p = createFakePipeline("data");
    for (const key of ["a.png", "b.png"]) p.objects.put(key, mediaBytes("image.png"));
    const open = p.objects.open.bind(p.objects);
    p.objects.open = (key) => (key === "hang.png" ? new Promise(() => undefined) : open(key));
    const ingest = createIngestHandler(createHandlerDeps(p.deps, []));
    const event = sqsBatch([
      objectCreated("a.png", "01"),
      objectCreated("hang.png", "02"),
      objectCreated("b.png", "03"),
    ]);
    const endsAt = Date.now() + 5_300;
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => endsAt - Date.now() };

    // Act
    const response = await ingest(event, context);

    // Assert
    expect(Date.now()).toBeLessThan(endsAt);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m1" }] });
    expect((await p.records.get("data", "a.png"))?.status).toBe("ready");
    expect((await p.records.get("data", "b.png"))?.status).toBe("ready");
  });
});

describe("createIngestHandler's batch response", () => {
  it("fails only the transient message when a batch holds a readable, a denied, a throttled and an unparseable message", async () => {
    // Prepare: denied.png is refused for good (403), slow.png for now (SlowDown)
    const p = createFakePipeline("data");
    for (const key of ["a.png", "denied.png", "slow.png"]) p.objects.put(key, mediaBytes("image.png"));
    const open = p.objects.open.bind(p.objects);
    p.objects.open = async (key) => {
      if (key === "denied.png") throw new AccessDeniedError("S3 answered AccessDenied");
      if (key === "slow.png") throw new TransientError("S3 answered SlowDown");
      return open(key);
    };
    const noted: string[] = [];
    const ingest = createIngestHandler(createHandlerDeps(p.deps, []), {
      onFailure: (_event, messageId) => noted.push(messageId),
    });
    const event = sqsBatch([
      objectCreated("a.png", "01"),
      objectCreated("denied.png", "02"),
      objectCreated("slow.png", "03"),
      JSON.stringify({ "detail-type": "Object Created" }),
    ]);

    // Act
    const response = await ingest(event, lambdaContext());

    // Assert
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(noted).toEqual(["m2"]);
    expect((await p.records.get("data", "a.png"))?.status).toBe("ready");
    expect((await p.records.get("data", "denied.png"))?.status).toBe("invalid");
    expect(await p.records.get("data", "slow.png")).toBeNull();
  });
});
