import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { toItem } from "../../../packages/aws/src/record-item";
import { createRecordStore } from "../../../packages/aws/src/record-store";
import { isRetryable, TransientError, WriteConflictError } from "../../../packages/core/src/errors";
import type { StoredRecord } from "../../../packages/core/src/ports/record-store";

const config = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(config));
const s3Client = new S3Client(config);
const dynamo = mockClient(doc);
const s3 = mockClient(s3Client);
const store = createRecordStore({ doc, tableName: "records", s3: s3Client, exportsBucket: "exports" });

afterEach(() => {
  dynamo.reset();
  s3.reset();
});

function storedRecord(overrides: Partial<StoredRecord> = {}): StoredRecord {
  return {
    bucket: "data",
    key: "a.mp4",
    objectUrl: "s3://data/a.mp4",
    dataType: "video",
    status: "ready",
    title: "a.mp4",
    clientMetadata: {},
    provenance: {},
    mediaMetadata: null,
    sidecarKey: null,
    etag: null,
    versionId: null,
    errors: [],
    warnings: [],
    updatedAt: "2024-05-01T10:00:00.000Z",
    importEntry: null,
    export: { state: "pending" },
    revision: 2,
    sequencers: {},
    ...overrides,
  };
}

function sdkError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode } });
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
}

function bodyOf(text: string) {
  return sdkStreamMixin(Readable.from([Buffer.from(text)]));
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

describe("createRecordStore", () => {
  it.each([
    ["ProvisionedThroughputExceededException", 400],
    ["ThrottlingException", 400],
    ["RequestLimitExceeded", 400],
    ["InternalServerError", 500],
    ["ServiceUnavailable", 503],
  ])("throws a retryable TransientError when a put fails with %s", async (name, status) => {
    // Prepare
    dynamo.on(PutCommand).rejects(sdkError(name, status));

    // Act
    const write = store.put(storedRecord(), 1);

    // Assert
    const error = await write.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(WriteConflictError);
    expect(isRetryable(error)).toBe(true);
  });

  it("throws a TransientError when a read is throttled past the SDK's retries", async () => {
    // Prepare
    const throttled = new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} });
    dynamo.on(GetCommand).rejects(throttled);

    // Act
    const read = store.get("data", "a.mp4");

    // Assert
    await expect(read).rejects.toBeInstanceOf(TransientError);
  });

  it("throws a WriteConflictError when the put's condition fails", async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed());

    // Act
    const write = store.put(storedRecord(), 1);

    // Assert
    await expect(write).rejects.toBeInstanceOf(WriteConflictError);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: "#revision = :expected",
      ExpressionAttributeValues: { ":expected": 1 },
    });
  });

  it("throws a non-retryable error when DynamoDB rejects the request itself", async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(sdkError("ValidationException", 400));

    // Act
    const error = await store.put(storedRecord(), null).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(Error);
    expect(isRetryable(error)).toBe(false);
    expect(String(error)).toMatch(/ValidationException/);
  });

  it("deletes its own overflow object when it loses the race for the item", async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    dynamo.on(PutCommand).rejects(conditionFailed());
    const big = storedRecord({ clientMetadata: { text: "z".repeat(400_000) } });

    // Act
    await store.put(big, 1).catch(() => undefined);

    // Assert
    const written = s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key;
    expect(written).toMatch(/^records\/[0-9a-f]{64}\/2-/);
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: "exports", Key: written });
  });

  it("keeps its overflow object when the put failed without proof it was not written", async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    dynamo.on(PutCommand).rejects(sdkError("TimeoutError", 0));
    const big = storedRecord({ clientMetadata: { text: "z".repeat(400_000) } });

    // Act
    const error = await store.put(big, 1).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(s3).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
  });

  it("reads the item again when its overflow object was replaced in between", async () => {
    // Prepare
    const record = storedRecord({ clientMetadata: { version: "new" } });
    const { item, payload } = toItem(record, 16);
    const stale = { ...item, overflow: { key: "records/p/1-old.json", sha256: "0".repeat(64) } };
    const fresh = { ...item, overflow: { key: "records/p/2-new.json", sha256: sha256(payload) } };
    dynamo.on(GetCommand).resolvesOnce({ Item: stale }).resolvesOnce({ Item: fresh });
    s3.on(GetObjectCommand, { Key: "records/p/1-old.json" }).rejects(
      new NoSuchKey({ message: "gone", $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(GetObjectCommand, { Key: "records/p/2-new.json" }).resolves({ Body: bodyOf(payload) });

    // Act
    const read = await store.get("data", "a.mp4");

    // Assert
    expect(read).toEqual(record);
    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 2);
  });

  it("refuses an overflow object whose hash does not match the pointer", async () => {
    // Prepare
    const { item } = toItem(storedRecord(), 16);
    dynamo.on(GetCommand).resolves({ Item: { ...item, overflow: { key: "records/p/1.json", sha256: "0" } } });
    s3.on(GetObjectCommand).resolves({ Body: bodyOf("{}") });

    // Act
    const read = store.get("data", "a.mp4");

    // Assert
    await expect(read).rejects.toThrow(/does not match/);
  });

  it("retries the keys BatchGetItem left unprocessed", async () => {
    // Prepare
    const first = toItem(storedRecord({ key: "a.mp4" }), 16);
    const second = toItem(storedRecord({ key: "b.mp4" }), 16);
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { records: [{ ...first.item, payload: first.payload }] },
        UnprocessedKeys: { records: { Keys: [{ pk: "data#b.mp4" }] } },
      })
      .resolvesOnce({ Responses: { records: [{ ...second.item, payload: second.payload }] } });

    // Act
    const records = await store.getMany("data", ["b.mp4", "a.mp4"]);

    // Assert
    expect(records.map((record) => record.key)).toEqual(["b.mp4", "a.mp4"]);
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(BatchGetCommand, 2, {
      RequestItems: { records: { Keys: [{ pk: "data#b.mp4" }], ConsistentRead: true } },
    });
  });

  it("answers false from markExported when the revision condition fails", async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const marked = await store.markExported("data", "a.mp4", 3, "imports/x.json", "t");

    // Assert
    expect(marked).toBe(false);
  });
});
