import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { TransientError, type WorkMessage } from "../../../packages/core/src/index";
import { createWorkHandler } from "../../../packages/lambda/src/work-handler";
import { createHandlerDeps, lambdaContext, sqsBatch } from "../../helpers/batch-handler";
import { createFakePipeline } from "../../helpers/fakes";

const rederive = (prefix: string): WorkMessage => ({
  type: "rederive-prefix",
  bucket: "data",
  prefix,
  source: `${prefix}_defaults.json`,
  sequencer: "01",
  cursor: null,
});

describe("createWorkHandler", () => {
  it("gives every log line the prefix of its own message when the batch's messages are handled at once", async () => {
    // Prepare: the first message's listing answers last, and the third's fails
    const p = createFakePipeline("data");
    const list = p.objects.list.bind(p.objects);
    const waits: Record<string, number> = { "p1/": 30, "p2/": 15, "p3/": 5 };
    p.objects.list = async (prefix, cursor, limit) => {
      await delay(waits[prefix] ?? 0);
      if (prefix === "p3/") throw new TransientError("S3 answered SlowDown");
      return list(prefix, cursor, limit);
    };
    const lines: Record<string, unknown>[] = [];
    const work = createWorkHandler(createHandlerDeps(p.deps, lines));
    const bodies = [rederive("p1/"), rederive("p2/"), rederive("p3/")].map((m) => JSON.stringify(m));
    const event = sqsBatch([...bodies, "{}"]);

    // Act
    const response = await work(event, lambdaContext());

    // Assert
    const seen = lines.map((l) => ({ message: l.message, messageId: l.messageId, prefix: l.prefix }));
    expect(seen).toEqual([
      { message: "unparseable work message", messageId: "m3", prefix: undefined },
      { message: "message failed", messageId: "m2", prefix: "p3/" },
      { message: "page done", messageId: "m1", prefix: "p2/" },
      { message: "page done", messageId: "m0", prefix: "p1/" },
    ]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
  });
});
