import { createReadStream, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Derivation, RederiveMessage } from "../../packages/core/src/index";
import { mediaBytes } from "../helpers/media";
import { DATA_BUCKET, type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";
import { probeMediaPath } from "../helpers/probe-truth";

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline();
});
afterAll(async () => {
  await h?.stop();
});

describe("the pipeline at scale", () => {
  it("re-derives all 2,000 objects beneath a changed _defaults.json through the work queue, page by page", async () => {
    const keys = Array.from(
      { length: 2000 },
      (_, i) => `fleet/cam${i % 7}/n${String(i).padStart(4, "0")}.txt`,
    );
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => h.put(key, `note ${key}\n`)));
    }
    await h.settle();
    // Every page of re-derivation work sent once the defaults change: the first by ingest, each next by its page.
    const pages: RederiveMessage[] = [];
    const { work } = h.deps.pipeline;
    const send = work.send.bind(work);
    work.send = async (message) => {
      if (message.type === "rederive-prefix") pages.push(structuredClone(message));
      return send(message);
    };

    try {
      await h.put("fleet/_defaults.json", '{"site":"plant-7"}');
      await h.settle();
    } finally {
      work.send = send;
    }

    const records = await h.deps.pipeline.records.getMany(DATA_BUCKET, keys);
    expect(records).toHaveLength(2000);
    expect(records.filter((r) => r.clientMetadata.site === "plant-7")).toHaveLength(2000);
    expect(records.every((r) => r.provenance.site === "fleet/_defaults.json")).toBe(true);
    // 2,001 keys under fleet/ (the defaults file lists first) in pages of 500: five pages, each after the last.
    expect(h.deps.pipeline.settings.pageSize).toBe(500);
    expect(pages.map((page) => page.cursor === null)).toEqual([true, false, false, false, false]);
  }, 240_000);

  it("retries a throttled DynamoDB write and reports the message only while it still fails", async () => {
    let throttles = 1;
    h.dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "PutItemCommand" && throttles > 0) {
          throttles -= 1;
          throw Object.assign(new Error("Rate of requests exceeds the allowed throughput."), {
            name: "ProvisionedThroughputExceededException",
            $fault: "client",
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: "initialize", name: "throttleOnce" },
    );
    await h.put("throttle/a.png", mediaBytes("image.png"));
    await h.flushBridge();
    const message = h.ingestQueue.receive(1)[0];
    if (!message) throw new Error("no message");
    const event = {
      Records: [
        {
          messageId: message.messageId,
          receiptHandle: message.receiptHandle,
          body: message.body,
          attributes: {},
          messageAttributes: {},
          md5OfBody: "",
          eventSource: "aws:sqs",
          eventSourceARN: h.ingestQueue.arn,
          awsRegion: "us-east-1",
        },
      ],
    };

    const first = await h.ingest(event as never, {} as never);
    const second = await h.ingest(event as never, {} as never);
    h.dynamo.client.middlewareStack.remove("throttleOnce");
    h.ingestQueue.delete(message.receiptHandle);

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect((await h.record("throttle/a.png"))?.status).toBe("ready");
  });

  it("reads the same bytes for the same video stored at 20 MB and at 200 MB", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-big-"));
    const reads: Record<string, Derivation["read"]> = {};
    const observe = h.deps.pipeline.observe;
    h.deps.pipeline.observe = (d) => {
      reads[d.key] = d.read;
      observe?.(d);
    };
    try {
      const moovAtEnd = readFileSync(probeMediaPath("h264-23.976fps-moov-at-end.mp4"));
      for (const [name, size] of [
        ["big/v20.mp4", 20_000_000],
        ["big/v200.mp4", 200_000_000],
      ] as const) {
        const path = join(dir, name.replace("/", "-"));
        await writeFile(path, paddedMp4(moovAtEnd, size));
        await h.s3.client.send(
          new PutObjectCommand({
            Bucket: DATA_BUCKET,
            Key: name,
            Body: createReadStream(path),
            ContentLength: size,
          }),
        );
      }
      await h.settle();
    } finally {
      h.deps.pipeline.observe = observe;
      await rm(dir, { recursive: true, force: true });
    }

    console.log(
      `bytes read: 20 MB → ${JSON.stringify(reads["big/v20.mp4"])}, 200 MB → ${JSON.stringify(reads["big/v200.mp4"])}`,
    );
    expect(reads["big/v20.mp4"]?.bytes).toBeGreaterThan(0);
    expect(reads["big/v200.mp4"]).toEqual(reads["big/v20.mp4"]);
    expect((await h.record("big/v200.mp4"))?.mediaMetadata).toMatchObject({ width: 64, height: 48 });
  }, 120_000);
});

/**
 * The fixture's boxes with its `mdat` grown to make a file of `size` bytes: the probe never reads
 * `mdat`, so the measured values stay those of the fixture while the object grows.
 */
function paddedMp4(file: Buffer, size: number): Buffer {
  const boxes: { type: string; start: number; end: number }[] = [];
  for (let at = 0; at < file.length; ) {
    const length = file.readUInt32BE(at);
    boxes.push({ type: file.toString("latin1", at + 4, at + 8), start: at, end: at + length });
    at += length;
  }
  const others = boxes.filter((b) => b.type !== "mdat").reduce((n, b) => n + b.end - b.start, 0);
  const out = Buffer.alloc(size);
  let at = 0;
  for (const box of boxes) {
    if (box.type === "mdat") {
      const length = size - others;
      out.writeUInt32BE(length, at);
      out.write("mdat", at + 4, "latin1");
      file.copy(out, at + 8, box.start + 8, box.end);
      at += length;
    } else {
      file.copy(out, at, box.start, box.end);
      at += box.end - box.start;
    }
  }
  return out;
}
