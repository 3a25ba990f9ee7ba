import { Readable } from "node:stream";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createS3ObjectStore } from "../../../packages/aws/src/s3-object-store";
import { TransientError } from "../../../packages/core/src/errors";

const client = new S3Client({
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const s3 = mockClient(client);
const store = createS3ObjectStore({ client, bucket: "data" });

function bodyOf(bytes: number[]) {
  return sdkStreamMixin(Readable.from([Buffer.from(bytes)]));
}

afterEach(() => {
  s3.reset();
});

/** Answers open's first ranged GET (bytes 0-16383) for an object of `size` bytes. */
function opens(size: number, extra: Record<string, string> = {}) {
  const first = Math.min(size, 16384);
  s3.on(GetObjectCommand, { Range: "bytes=0-16383" }).resolves({
    Body: bodyOf(Array.from({ length: first }, (_, i) => i % 251)),
    ContentRange: `bytes 0-${first - 1}/${size}`,
    ETag: '"e"',
    ...extra,
  });
}

describe("createS3ObjectStore", () => {
  it("opens with one ranged GET and answers reads inside its first bytes without another request", async () => {
    opens(10);
    const opened = await store.open("a.bin");

    const head = await opened.read(2, 3);
    const empty = await opened.read(3, 0);
    const pastEnd = await opened.read(10, 5);

    expect([...head]).toEqual([2, 3, 4]);
    expect(opened.size).toBe(10);
    expect(empty.byteLength + pastEnd.byteLength).toBe(0);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
  });

  it("falls back to HEAD for an empty object, which has no range to GET", async () => {
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error("The requested range is not satisfiable"), {
        name: "InvalidRange",
        $metadata: { httpStatusCode: 416 },
      }),
    );
    s3.on(HeadObjectCommand).resolves({ ContentLength: 0, ETag: '"e"' });

    const opened = await store.open("empty.bin");

    expect(opened.size).toBe(0);
    expect(await opened.read(0, 10)).toEqual(new Uint8Array(0));
  });

  it("pins every ranged GET to the ETag seen at open when the object is read", async () => {
    opens(20_003, { ETag: '"e1"', VersionId: "v1", ContentType: "image/png" });
    s3.on(GetObjectCommand, { Range: "bytes=20000-20002" }).resolves({ Body: bodyOf([7, 8, 9]) });
    const opened = await store.open("a.bin");

    const bytes = await opened.read(20_000, 100);

    expect([...bytes]).toEqual([7, 8, 9]);
    expect(opened.etag).toBe("e1");
    expect(opened.versionId).toBe("v1");
    expect(opened.contentType).toBe("image/png");
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: "data",
      Key: "a.bin",
      Range: "bytes=20000-20002",
      IfMatch: '"e1"',
    });
  });

  it("throws TransientError when S3 returns fewer bytes than the range holds", async () => {
    opens(20_010);
    s3.on(GetObjectCommand, { Range: "bytes=20000-20003" }).resolves({ Body: bodyOf([1]) });
    const opened = await store.open("a.bin");

    await expect(opened.read(20_000, 4)).rejects.toBeInstanceOf(TransientError);
  });

  it("throws TransientError when the first bytes stop arriving (a socket timeout mid-body)", async () => {
    const stalled = new Readable({ read() {} });
    s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(stalled), ContentRange: "bytes 0-9/10" });
    setTimeout(
      () => stalled.destroy(Object.assign(new Error("socket timed out"), { name: "TimeoutError" })),
      5,
    );

    const failure = await store.open("a.bin").catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransientError);
    expect(String(failure)).toMatch(/GetObject s3:\/\/data\/a\.bin: TimeoutError/);
  });

  it("takes the asked bytes out of a longer body placed by its Content-Range when the server over-answers", async () => {
    // s3rver answers `bytes=0-0` with the whole object.
    s3.on(GetObjectCommand).resolves({ Body: bodyOf([5, 6, 7, 8]), ContentRange: "bytes 0-3/4" });
    const opened = await store.open("a.bin");

    expect([...(await opened.read(0, 1))]).toEqual([5]);
  });

  it("decodes listed keys when S3 echoes EncodingType url", async () => {
    s3.on(ListObjectsV2Command).resolves({
      EncodingType: "url",
      Contents: [{ Key: "a+b/c%2B1%0A.txt", ETag: '"abc"', LastModified: new Date("2026-01-02T03:04:05Z") }],
      IsTruncated: true,
      NextContinuationToken: "next",
    });

    const page = await store.list("a b/", "prev", 2);

    expect(page).toEqual({
      keys: ["a b/c+1\n.txt"],
      objects: [{ key: "a b/c+1\n.txt", etag: "abc", lastModified: "2026-01-02T03:04:05.000Z" }],
      cursor: "next",
    });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Bucket: "data",
      Prefix: "a b/",
      ContinuationToken: "prev",
      MaxKeys: 2,
      EncodingType: "url",
    });
  });

  it("keeps listed keys as they are when the server ignores EncodingType", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: "a+b/100%.txt" }], IsTruncated: false });

    expect(await store.list("", null, 10)).toEqual({
      keys: ["a+b/100%.txt"],
      objects: [{ key: "a+b/100%.txt", etag: null, lastModified: null }],
      cursor: null,
    });
  });
});
