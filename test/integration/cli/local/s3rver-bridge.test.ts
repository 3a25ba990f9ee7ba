import { setTimeout as delay } from "node:timers/promises";
import { JSONStringified } from "@aws-lambda-powertools/parser/helpers";
import { S3EventNotificationEventBridgeSchema, SqsRecordSchema } from "@aws-lambda-powertools/parser/schemas";
import type { S3EventNotificationEventBridge } from "@aws-lambda-powertools/parser/types";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseStorageEventBody } from "../../../../packages/aws/src/event-parser";
import { createMemoryQueue } from "../../../../packages/cli/src/local/memory-queue";
import { createS3rverBridge, type S3rverBridge } from "../../../../packages/cli/src/local/s3rver-bridge";
import { nextBridgeSequencer } from "../../../../packages/cli/src/local/s3rver-event";
import { compareSequencers, normalizeSequencer } from "../../../../packages/core/src/keys/sequencer";
import { decodeEventKey } from "../../../../packages/core/src/pipeline/storage-event";
import { type S3rverHandle, startS3rver } from "../../../helpers/emulators";

const BUCKET = "data";
const OTHER = "exports";

let s3: S3rverHandle;
let bridge: S3rverBridge;
let bodies: string[];

beforeAll(async () => {
  s3 = await startS3rver([BUCKET, OTHER]);
});

afterAll(async () => {
  await s3.stop();
});

beforeEach(() => {
  bodies = [];
  bridge = createS3rverBridge(s3.server, (body) => void bodies.push(body));
});

afterEach(() => {
  bridge.stop();
});

function put(key: string, body: string | Uint8Array = "x") {
  return s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** The events sent so far, parsed with Powertools' EventBridge S3 schema (throws when one does not parse). */
async function sentEvents(): Promise<S3EventNotificationEventBridge[]> {
  await bridge.settled();
  return bodies.map((body) => S3EventNotificationEventBridgeSchema.parse(JSON.parse(body)));
}

describe("createS3rverBridge", () => {
  it("sends only the named bucket's events when one s3rver holds another bucket too", async () => {
    // Prepare: as the EventBridge rule matches the data bucket; the exporter writes to its own bucket.
    bridge.stop();
    bridge = createS3rverBridge(s3.server, (body) => void bodies.push(body), { bucket: BUCKET });

    // Act
    await s3.client.send(new PutObjectCommand({ Bucket: OTHER, Key: "imports/x.json", Body: "{}" }));
    await put("only/this.png");

    // Assert
    expect((await sentEvents()).map((event) => event.detail.bucket.name)).toEqual([BUCKET]);
  });

  it("sends an Object Created event that Powertools parses when an object is put", async () => {
    // Prepare
    const key = "ds1/clip.mp4";

    // Act
    const { ETag } = await put(key, "twelve bytes");
    const [event, ...rest] = await sentEvents();

    // Assert
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      version: "0",
      "detail-type": "Object Created",
      source: "aws.s3",
      account: "000000000000",
      region: "us-east-1",
      resources: [`arn:aws:s3:::${BUCKET}`],
      detail: {
        version: "0",
        bucket: { name: BUCKET },
        object: { key, size: 12, etag: ETag?.replace(/"/g, "") },
        requester: "000000000000",
        "source-ip-address": "127.0.0.1",
        reason: "PutObject",
      },
    });
    expect(event?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(event?.detail.object.sequencer).toMatch(/^[0-9A-F]{20}$/);
  });

  it("sends reason CompleteMultipartUpload when a multipart upload completes", async () => {
    // Prepare
    const key = "ds1/big video.mp4";
    const parts = [new Uint8Array(5 * 1024 * 1024).fill(1), new Uint8Array(1000).fill(2)];
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const etags: string[] = [];
    for (const [index, part] of parts.entries()) {
      const sent = await s3.client.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: index + 1, Body: part }),
      );
      etags.push(sent.ETag ?? "");
    }

    // Act
    await s3.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
    const events = await sentEvents();

    // Assert
    expect(events.map((e) => [e["detail-type"], e.detail.reason, e.detail.object])).toEqual([
      [
        "Object Created",
        "CompleteMultipartUpload",
        expect.objectContaining({ key: "ds1/big+video.mp4", size: 5 * 1024 * 1024 + 1000 }),
      ],
    ]);
  });

  it("sends reason CopyObject with the destination key when an object is copied", async () => {
    // Prepare
    await put("src/a b+1.txt");
    await bridge.settled();
    bodies.length = 0;

    // Act: s3rver wants CopySource unencoded (toolchain.md §3.2).
    await s3.client.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: "dst/a b+1.txt", CopySource: `${BUCKET}/src/a b+1.txt` }),
    );
    const events = await sentEvents();

    // Assert
    expect(events.map((e) => [e["detail-type"], e.detail.reason, e.detail.object.key])).toEqual([
      ["Object Created", "CopyObject", "dst/a+b%2B1.txt"],
    ]);
  });

  it("sends an Object Deleted event without size or etag when an object is deleted", async () => {
    // Prepare
    await put("gone.txt");
    await bridge.settled();
    bodies.length = 0;

    // Act
    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "gone.txt" }));
    const [event] = await sentEvents();

    // Assert
    expect(event?.["detail-type"]).toBe("Object Deleted");
    expect(event?.detail).toMatchObject({ reason: "DeleteObject", "deletion-type": "Permanently Deleted" });
    expect(Object.keys(event?.detail.object ?? {}).sort()).toEqual(["key", "sequencer"]);
  });

  it("encodes keys as S3 does so that decodeEventKey gives them back exactly", async () => {
    // Prepare
    const keys = ["a b/c+d.txt", "100%/50% off.txt", "ünï/日本語 é.jpg", "x(1)!*'~.txt", "plain/key-1_2.txt"];

    // Act
    for (const key of keys) await put(key);
    const events = await sentEvents();

    // Assert
    expect(events.map((e) => e.detail.object.key).slice(0, 2)).toEqual([
      "a+b/c%2Bd.txt",
      "100%25/50%25+off.txt",
    ]);
    expect(events.map((e) => decodeEventKey(e.detail.object.key))).toEqual(keys);
    expect(bodies.map((body) => decodeEventKey(parseStorageEventBody(body).rawKey))).toEqual(keys);
  });

  it("gives strictly increasing normalised sequencers when 200 objects are put at once", async () => {
    // Prepare
    const raw: string[] = [];
    s3.onEvent((event) => raw.push(JSON.stringify(event)));

    // Act
    await Promise.all(Array.from({ length: 200 }, (_, i) => put(`burst/${i % 7}.txt`, String(i))));
    const sequencers = (await sentEvents()).map((e) => e.detail.object.sequencer ?? "");

    // Assert
    const normalised = sequencers.map(normalizeSequencer);
    expect(normalised).toHaveLength(200);
    for (let i = 1; i < normalised.length; i += 1) {
      expect(compareSequencers(sequencers[i - 1] ?? "", sequencers[i] ?? "")).toBeLessThan(0);
    }
    const s3rverSequencers = raw.map((text) =>
      z.string().parse(JSON.parse(text).Records[0].s3.object.sequencer),
    );
    console.info(`s3rver gave ${new Set(s3rverSequencers).size} distinct sequencers for 200 puts`);
  });

  it("delivers bodies that parse as SQS records of EventBridge S3 events when sent through the memory queue", async () => {
    // Prepare
    const queue = createMemoryQueue({ visibilityTimeoutMs: 10 });
    bridge.stop();
    bridge = createS3rverBridge(s3.server, (body) => queue.send(body));
    const RecordSchema = SqsRecordSchema.extend({
      body: JSONStringified(S3EventNotificationEventBridgeSchema),
    });
    const keys: string[] = [];

    // Act
    await put("queued/one two.txt");
    await put("queued/three+four.txt");
    await bridge.settled();
    await queue.drain((event) => {
      for (const record of event.Records)
        keys.push(decodeEventKey(RecordSchema.parse(record).body.detail.object.key));
    });

    // Assert
    expect(keys).toEqual(["queued/one two.txt", "queued/three+four.txt"]);
  });

  it("sends nothing when stopped", async () => {
    // Prepare
    bridge.stop();

    // Act
    await put("after-stop.txt");
    await bridge.settled();

    // Assert
    expect(bodies).toEqual([]);
  });

  it("answers an upload only once its event is sent when answerAfterSend", async () => {
    // Prepare: a send that finishes only when the test says so.
    let finish: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => {
      finish = resolve;
    });
    bridge.stop();
    bridge = createS3rverBridge(s3.server, () => sent, { answerAfterSend: true });
    let answered = false;

    // Act
    const upload = put("held.txt").then(() => {
      answered = true;
    });
    await delay(300);
    const answeredBeforeSend = answered;
    finish();
    await upload;

    // Assert
    expect(answeredBeforeSend).toBe(false);
    expect(answered).toBe(true);
  });

  it("answers an upload 500 when answerAfterSend and its event's send fails, and reports the failure", async () => {
    // Prepare
    bridge.stop();
    bridge = createS3rverBridge(
      s3.server,
      async () => {
        throw new Error("disk full");
      },
      { answerAfterSend: true },
    );

    // Act
    const uploaded = await put("unqueued.txt").catch((error: unknown) => error);

    // Assert
    expect(uploaded).toMatchObject({ name: "InternalError", $metadata: { httpStatusCode: 500 } });
    await expect(bridge.settled()).rejects.toThrow("disk full");
  });

  it("reports a failed send through settled without failing the upload", async () => {
    // Prepare
    bridge.stop();
    bridge = createS3rverBridge(s3.server, async () => {
      throw new Error("queue is full");
    });

    // Act
    const uploaded = await put("unsent.txt");

    // Assert
    expect(uploaded.ETag).toBeDefined();
    await expect(bridge.settled()).rejects.toThrow("queue is full");
    await expect(bridge.settled()).resolves.toBeUndefined();
  });
});

describe("nextBridgeSequencer", () => {
  it("keeps sequencers increasing when s3rver's clock goes back", () => {
    // Prepare
    const later = (Date.now() + 60_000).toString(16).toUpperCase();
    const earlier = (Date.now() - 60_000).toString(16).toUpperCase();

    // Act
    const first = nextBridgeSequencer(later);
    const second = nextBridgeSequencer(earlier);

    // Assert
    expect(compareSequencers(first, second)).toBeLessThan(0);
  });
});
