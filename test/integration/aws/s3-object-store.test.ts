import { createHash } from "node:crypto";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ExportStore } from "../../../packages/aws/src/s3-export-store";
import { createS3ObjectStore } from "../../../packages/aws/src/s3-object-store";
import { NotFoundError } from "../../../packages/core/src/errors";
import { countEntries } from "../../../packages/core/src/imports/counts";
import type { ObjectStore } from "../../../packages/core/src/ports/object-store";
import { type S3rverHandle, startS3rver } from "../../helpers/emulators";

const DATA = "data";
const EXPORTS = "exports";

// Deterministic bytes, every value 0..255 present, so an off-by-one range shows.
function bytesOf(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

// A 1,024-byte key (UTF-8) in segments under 200 bytes: s3rver stores each segment as a file name.
function longKey(): string {
  const segment = (n: number) => `seg ${n} +%é中`.padEnd(150, "x");
  const segments = [0, 1, 2, 3, 4, 5].map(segment);
  const head = `long/${segments.join("/")}/`;
  const rest = 1024 - Buffer.byteLength(head) - ".bin".length;
  return `${head}${"y".repeat(rest)}.bin`;
}

const ODD_KEYS = [
  "odd/a b/c d.txt",
  "odd/plus+sign/1+1=2.txt",
  "odd/percent%20kept/100%.txt",
  "odd/non-ascii/café ü 中文 🎥.txt",
  longKey(),
];

let s3: S3rverHandle;
let store: ObjectStore;
const body = bytesOf(100_000);

beforeAll(async () => {
  s3 = await startS3rver([DATA, EXPORTS]);
  store = createS3ObjectStore({ client: s3.client, bucket: DATA });
  await s3.client.send(
    new PutObjectCommand({ Bucket: DATA, Key: "media/clip.bin", Body: body, ContentType: "video/mp4" }),
  );
  for (let i = 0; i < 7; i += 1) {
    await s3.client.send(new PutObjectCommand({ Bucket: DATA, Key: `paged/k${i}.txt`, Body: `${i}` }));
  }
  for (const key of ODD_KEYS) {
    await s3.client.send(new PutObjectCommand({ Bucket: DATA, Key: key, Body: key }));
  }
});

afterAll(async () => {
  await s3.stop();
});

describe("createS3ObjectStore", () => {
  it("heads an object with its size, unquoted ETag and content type when it exists", async () => {
    const info = await store.head("media/clip.bin");

    expect(info).toEqual({
      key: "media/clip.bin",
      size: 100_000,
      etag: createHash("md5").update(body).digest("hex"),
      versionId: null,
      contentType: "video/mp4",
    });
  });

  it("answers null from head when the object does not exist", async () => {
    expect(await store.head("media/missing.bin")).toBeNull();
  });

  it("throws NotFoundError from open when the object does not exist", async () => {
    await expect(store.open("media/missing.bin")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("reads byte-exact ranges when an opened object is read at several offsets", async () => {
    // Prepare
    const opened = await store.open("media/clip.bin");
    const ranges: [number, number][] = [
      [0, 1],
      [0, 4096],
      [1, 255],
      [65_535, 2],
      [99_990, 10],
    ];

    // Act
    const reads = await Promise.all(ranges.map(([offset, length]) => opened.read(offset, length)));

    // Assert
    expect(opened.size).toBe(100_000);
    expect(opened.contentType).toBe("video/mp4");
    expect(opened.etag).toBe(createHash("md5").update(body).digest("hex"));
    ranges.forEach(([offset, length], i) => {
      expect(Buffer.from(reads[i] ?? []).equals(Buffer.from(body.subarray(offset, offset + length)))).toBe(
        true,
      );
    });
  });

  it("returns fewer bytes at the end and none past it when a read runs over the object's end", async () => {
    const opened = await store.open("media/clip.bin");

    expect([...(await opened.read(99_998, 100))]).toEqual([...body.subarray(99_998)]);
    expect((await opened.read(100_000, 10)).byteLength).toBe(0);
    expect((await opened.read(10, 0)).byteLength).toBe(0);
  });

  it("pages through a prefix when MaxKeys is below the number of keys", async () => {
    // Act
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { keys: string[]; cursor: string | null } = await store.list("paged/", cursor, 3);
      pages.push(page.keys);
      cursor = page.cursor;
    } while (cursor !== null);

    // Assert
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `paged/k${i}.txt`));
  });

  it("lists the whole bucket when the prefix is empty", async () => {
    const page = await store.list("", null, 1000);

    expect(page.cursor).toBeNull();
    expect(page.keys).toContain("media/clip.bin");
    expect(page.keys).toHaveLength(1 + 7 + ODD_KEYS.length);
  });

  it.each(ODD_KEYS)("round-trips the key exactly through list, head and read when it is %#", async (key) => {
    // Prepare
    const prefix = key.slice(0, key.lastIndexOf("/") + 1);

    // Act
    const listed = await store.list(prefix, null, 1000);
    const info = await store.head(key);
    const opened = await store.open(key);
    const text = Buffer.from(await opened.read(0, opened.size)).toString("utf8");

    // Assert
    expect(listed.keys).toEqual([key]);
    expect(info?.size).toBe(Buffer.byteLength(key));
    expect(text).toBe(key);
  });

  it("holds a 1,024-byte key when the long key is built", () => {
    expect(Buffer.byteLength(longKey())).toBe(1024);
  });
});

describe("createS3ExportStore", () => {
  it("stores the import under imports/<name>.json as application/json when an import is put", async () => {
    // Prepare
    const exports = createS3ExportStore({ client: s3.client, bucket: EXPORTS });
    const json = JSON.stringify({ videos: [] });

    // Act
    const key = await exports.putImport("01JD0000000000000000000000", json, countEntries({ videos: [] }));

    // Assert
    expect(key).toBe("imports/01JD0000000000000000000000.json");
    const stored = await s3.client.send(new GetObjectCommand({ Bucket: EXPORTS, Key: key }));
    expect(stored.ContentType).toBe("application/json");
    expect(await stored.Body?.transformToString()).toBe(json);
  });

  it("describes an import file by its stored counts and time without reading it, and a missing one as null", async () => {
    // Prepare
    const exports = createS3ExportStore({ client: s3.client, bucket: EXPORTS });
    const file = { images: [{ objectUrl: "https://b.s3.eu-west-1.amazonaws.com/a.png" }] };
    const key = await exports.putImport(
      "01JD0000000000000000000001",
      JSON.stringify(file),
      countEntries(file),
    );
    const bare = "imports/01JD0000000000000000000002.json";
    await s3.client.send(new PutObjectCommand({ Bucket: EXPORTS, Key: bare, Body: "{}" }));

    // Act
    const described = await exports.describeImport(key);
    const withoutCounts = await exports.describeImport(bare);
    const missing = await exports.describeImport("imports/01JD0000000000000000000003.json");

    // Assert
    expect(described?.counts).toEqual({ ...countEntries({}), images: 1 });
    expect(Date.parse(described?.writtenAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect(withoutCounts?.counts).toBeNull();
    expect(missing).toBeNull();
  });
});
