import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { ObjectChangedError, toS3DomainError } from "../../../packages/aws/src/s3-errors";
import { createS3ObjectStore } from "../../../packages/aws/src/s3-object-store";
import {
  AccessDeniedError,
  InvalidCursorError,
  isRetryable,
  KeyTooLongError,
  NotFoundError,
  TransientError,
} from "../../../packages/core/src/errors";

const BUCKET = "data";

function s3Error(name: string, status: number, fault: "client" | "server" = "client") {
  return new S3ServiceException({
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

// maxAttempts 2 keeps the SDK's retries short where a real client is exercised.
const client = new S3Client({
  region: "us-east-1",
  maxAttempts: 2,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const s3 = mockClient(client);
const store = createS3ObjectStore({ client, bucket: BUCKET });

/** Answers open's first ranged GET (bytes 0-16383) for an object of `size` bytes. */
function headOk(size: number) {
  s3.on(HeadObjectCommand).resolves({ ContentLength: size, ETag: '"abc"', ContentType: "video/mp4" });
  s3.on(GetObjectCommand, { Range: "bytes=0-16383" }).resolves({
    Body: sdkStreamMixin(Readable.from([Buffer.alloc(Math.min(size, 16384))])),
    ContentRange: `bytes 0-${Math.min(size, 16384) - 1}/${size}`,
    ETag: '"abc"',
    ContentType: "video/mp4",
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

afterEach(() => {
  s3.reset();
});

describe("toS3DomainError", () => {
  it("maps 403 AccessDenied to AccessDeniedError naming both permissions when HEAD is refused", async () => {
    // Prepare
    const denied = s3Error("AccessDenied", 403);
    s3.on(HeadObjectCommand).rejects(denied);

    // Act
    const error = await failure(store.head("a.mp4"));

    // Assert
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(isRetryable(error)).toBe(false);
    expect(String(error)).toContain("s3://data/a.mp4");
    expect(String(error)).toContain("s3:GetObject");
    expect(String(error)).toContain("without s3:ListBucket a missing object answers 403");
    expect(error instanceof Error && error.cause).toBe(denied);
  });

  it("maps a 500 InternalError to TransientError when a ranged read fails", async () => {
    headOk(100_000);
    const internal = s3Error("InternalError", 500, "server");
    s3.on(GetObjectCommand, { Range: "bytes=20000-20009" }).rejects(internal);
    const opened = await store.open("a.mp4");

    const error = await failure(opened.read(20_000, 10));

    expect(error).toBeInstanceOf(TransientError);
    expect(isRetryable(error)).toBe(true);
    expect(error instanceof Error && error.cause).toBe(internal);
  });

  it("maps a 503 SlowDown to TransientError when S3 throttles a listing", async () => {
    s3.on(ListObjectsV2Command).rejects(s3Error("SlowDown", 503, "server"));

    const error = await failure(store.list("videos/", null, 10));

    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toContain("SlowDown");
  });

  it("maps KeyTooLongError to a KeyTooLongError that reads as absent when a sidecar key is too long", async () => {
    // Prepare: a data key near 1,024 bytes; its `<key>.metadata.json` is over S3's limit.
    s3.on(GetObjectCommand).rejects(s3Error("KeyTooLongError", 400));

    // Act
    const error = await failure(store.open("a.png.metadata.json"));

    // Assert: absent (the pipeline derives the record without a sidecar), never retried into the DLQ.
    expect(error).toBeInstanceOf(KeyTooLongError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(isRetryable(error)).toBe(false);
    expect(String(error)).toContain("s3://data/a.png.metadata.json: the key is too long");
  });

  it("maps InvalidArgument to InvalidCursorError naming no bucket when a listing is given a bad cursor", async () => {
    s3.on(ListObjectsV2Command).rejects(s3Error("InvalidArgument", 400));

    const error = await failure(store.list("videos/", "made-up", 10));

    expect(error).toBeInstanceOf(InvalidCursorError);
    expect(isRetryable(error)).toBe(false);
    expect(String(error)).not.toContain(BUCKET);
  });

  it("maps 403 to AccessDeniedError when ListBucket is refused", async () => {
    s3.on(ListObjectsV2Command).rejects(s3Error("AccessDenied", 403));

    expect(await failure(store.list("", null, 10))).toBeInstanceOf(AccessDeniedError);
  });

  it("maps NoSuchKey to NotFoundError when the object vanishes between open and a later GET", async () => {
    headOk(100_000);
    s3.on(GetObjectCommand, { Range: "bytes=20000-20009" }).rejects(
      new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: "gone" }),
    );
    const opened = await store.open("a.mp4");

    expect(await failure(opened.read(20_000, 10))).toBeInstanceOf(NotFoundError);
  });

  it("maps 412 to ObjectChangedError when the object changed mid-read", async () => {
    headOk(100_000);
    s3.on(GetObjectCommand, { Range: "bytes=20010-20014" }).rejects(s3Error("PreconditionFailed", 412));
    const opened = await store.open("a.mp4");

    const error = await failure(opened.read(20_010, 5));

    expect(error).toBeInstanceOf(ObjectChangedError);
    expect(error).toBeInstanceOf(TransientError);
  });

  it("maps a connection reset to TransientError when the network fails", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

    expect(toS3DomainError(reset, { operation: "GetObject", bucket: BUCKET, key: "a" })).toBeInstanceOf(
      TransientError,
    );
  });

  it("keeps an archived object's 403 InvalidObjectState out of AccessDenied and non-retryable", () => {
    const error = toS3DomainError(s3Error("InvalidObjectState", 403), {
      operation: "GetObject",
      bucket: BUCKET,
    });

    expect(error).not.toBeInstanceOf(AccessDeniedError);
    expect(isRetryable(error)).toBe(false);
    expect(error.message).toContain("InvalidObjectState");
  });

  it("wraps an unknown failure in a non-retryable Error keeping the cause", () => {
    const odd = s3Error("InvalidArgument", 400);

    const error = toS3DomainError(odd, { operation: "GetObject", bucket: BUCKET, key: "a" });

    expect(isRetryable(error)).toBe(false);
    expect(error.cause).toBe(odd);
  });

  it("maps a missing bucket to NotFoundError naming the bucket", () => {
    const error = toS3DomainError(s3Error("NoSuchBucket", 404), {
      operation: "ListObjectsV2",
      bucket: BUCKET,
    });

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain("the bucket data does not exist");
  });
});

describe("createS3ObjectStore retries", () => {
  it("throws TransientError after the SDK's own retries when S3 keeps answering 503 SlowDown", async () => {
    // Prepare: a loopback server, since aws-sdk-client-mock replaces send() and so skips the retry middleware.
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(503, { "content-type": "application/xml" });
      response.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
      );
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address: string | AddressInfo | null = server.address();
    if (address === null || typeof address === "string") throw new Error("not listening on TCP");
    const { port } = address;
    const real = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      forcePathStyle: true,
      maxAttempts: 2,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });

    try {
      // Act
      const error = await failure(createS3ObjectStore({ client: real, bucket: BUCKET }).list("", null, 10));

      // Assert
      expect(error).toBeInstanceOf(TransientError);
      expect(String(error)).toContain("SlowDown");
      expect(requests).toBe(2);
    } finally {
      real.destroy();
      server.closeAllConnections();
      server.close();
    }
  });
});
