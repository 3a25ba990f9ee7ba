import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { dirname, join } from "node:path";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3rverHandle, startS3rver } from "../helpers/emulators";
import { forgedSigV4Headers, formUpload } from "../helpers/s3-forged";

const DATA = "ingest";
const EXPORTS = "sluice-exports";

let s3: S3rverHandle;

beforeAll(async () => {
  s3 = await startS3rver([DATA, EXPORTS]);
});
afterAll(async () => {
  await s3?.stop();
});

async function put(key: string, body = "x", bucket = DATA): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return error;
    throw error;
  }
  throw new Error("expected S3 to refuse the request");
}

async function keys(bucket = DATA, prefix?: string): Promise<string[]> {
  const page = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
}

/** A raw request with a made-up but well-formed SigV4 signature, for paths and queries no SDK would send. */
function forged(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${s3.endpoint}${path}`, { ...init, headers: { ...forgedSigV4Headers(), ...init.headers } });
}

/** The S3 error code of an XML error body. */
async function codeOf(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

/** A GET with any Host header (fetch sets its own). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${s3.endpoint}${path}`, { headers: { ...forgedSigV4Headers(), host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("createLocalS3rver: signed requests only", () => {
  it("refuses an anonymous PUT and a browser form upload with AccessDenied and stores nothing", async () => {
    // Prepare: the attack of issue 14 (#3), which needs nothing but the port.
    const prefix = "anon/";

    // Act
    const anonymous = await fetch(`${s3.endpoint}/${DATA}/${prefix}put.txt`, {
      method: "PUT",
      body: "pwned",
    });
    const form = await fetch(`${s3.endpoint}/${DATA}`, {
      method: "POST",
      body: formUpload(`${prefix}a.png`, "x"),
    });
    // Made-up presigned parameters in the form's action pass a signature check that only looks at the shape.
    const presignedForm = await fetch(
      `${s3.endpoint}/${DATA}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2F${today()}%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=${today()}T000000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=${"0".repeat(64)}`,
      { method: "POST", body: formUpload(`${prefix}b.png`, "x") },
    );

    // Assert
    expect([anonymous.status, form.status, presignedForm.status]).toEqual([403, 403, 403]);
    expect(await codeOf(anonymous)).toBe("AccessDenied");
    expect(await codeOf(form)).toBe("AccessDenied");
    expect(await keys(DATA, prefix)).toEqual([]);
  });

  it("refuses a web page's write (an Origin header) even when it carries a signature", async () => {
    // Prepare
    await put("web/keep.txt");
    const body = "<Delete><Object><Key>web/keep.txt</Key></Object></Delete>";

    // Act: a no-cors POST from any page, DeleteObjects with a made-up signature.
    const deleted = await forged(`/${DATA}?delete`, {
      method: "POST",
      body,
      headers: { origin: "https://evil.example" },
    });

    // Assert
    expect(deleted.status).toBe(403);
    expect(await keys(DATA, "web/")).toEqual(["web/keep.txt"]);
  });

  it("refuses a request addressed to a name other than loopback (a DNS-rebound page)", async () => {
    // Prepare
    await put("rebind/secret.txt", "secret");

    // Act
    const rebound = await getWithHost(`/${DATA}/rebind/secret.txt`, "evil.example:4569");
    const local = await getWithHost(`/${DATA}/rebind/secret.txt`, "localhost");

    // Assert
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain("secret.txt</");
    expect(local).toEqual({ status: 200, body: "secret" });
  });

  it("refuses a malformed SigV4 signature and SigV2 with S3's own codes", async () => {
    // Prepare
    const headers = forgedSigV4Headers();
    const short = headers.authorization?.replace(/Signature=0+$/, "Signature=abc") ?? "";

    // Act
    const malformed = await forged(`/${DATA}/sig/a.txt`, {
      method: "PUT",
      body: "x",
      headers: { authorization: short },
    });
    const v2 = await forged(`/${DATA}/sig/b.txt`, {
      method: "PUT",
      body: "x",
      headers: { authorization: "AWS a:b" },
    });

    // Assert
    expect([malformed.status, await codeOf(malformed)]).toEqual([400, "AuthorizationHeaderMalformed"]);
    expect([v2.status, await codeOf(v2)]).toEqual([400, "InvalidRequest"]);
    expect(await keys(DATA, "sig/")).toEqual([]);
  });

  it("accepts any credentials on an SDK request and on a presigned URL", async () => {
    // Prepare
    const stranger = new S3Client({
      endpoint: s3.endpoint,
      region: "eu-west-2",
      forcePathStyle: true,
      credentials: { accessKeyId: "anything", secretAccessKey: "at-all" },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });

    // Act
    await stranger.send(new PutObjectCommand({ Bucket: DATA, Key: "any/creds.txt", Body: "ok" }));
    const url = await getSignedUrl(stranger, new GetObjectCommand({ Bucket: DATA, Key: "any/creds.txt" }));
    const presigned = await fetch(url);
    stranger.destroy();

    // Assert
    expect(presigned.status).toBe(200);
    expect(await presigned.text()).toBe("ok");
  });
});

describe("createLocalS3rver: keys stay in its folder", () => {
  it("refuses keys, buckets, upload ids and part numbers that would leave its folder, writing nothing outside", async () => {
    // Prepare: unique names, since outside the folder is the shared temp directory.
    const name = `escaped-${randomBytes(6).toString("hex")}`;
    const outside = dirname(s3.directory);
    const before = await readdir(outside);

    // Act
    const viaSdk = await put(`a/../../../${name}`).catch((error: unknown) => error);
    const encoded = await forged(`/${DATA}/..%2F..%2F${name}-2`, { method: "PUT", body: "x" });
    const bucket = await forged(`/..%2F..%2F${name}-3/x`, { method: "PUT", body: "x" });
    const part = await forged(`/${DATA}/k?partNumber=1&uploadId=..%2F..%2F..%2F${name}-4`, {
      method: "PUT",
      body: "x",
    });
    const partNumber = await forged(
      `/${DATA}/k?partNumber=..%2F..%2F..%2F${name}-5&uploadId=${"0".repeat(32)}`,
      {
        method: "PUT",
        body: "x",
      },
    );
    const leaked = (await readdir(outside)).filter(
      (entry) => entry.startsWith(name) && !before.includes(entry),
    );
    await Promise.all(leaked.map((entry) => rm(join(outside, entry), { recursive: true, force: true })));

    // Assert
    expect(leaked).toEqual([]);
    expect(viaSdk).toMatchObject({ name: "InvalidArgument", $metadata: { httpStatusCode: 400 } });
    expect([encoded.status, await codeOf(encoded)]).toEqual([400, "InvalidArgument"]);
    expect([bucket.status, await codeOf(bucket)]).toEqual([400, "InvalidBucketName"]);
    expect([part.status, await codeOf(part)]).toEqual([404, "NoSuchUpload"]);
    expect([partNumber.status, await codeOf(partNumber)]).toEqual([400, "InvalidArgument"]);
  });

  it("never reads another bucket's object through a key with '..'", async () => {
    // Prepare: GET /imports/..%2F..%2F… in the API became this read of the exports bucket.
    await put("private/secret.json", '{"secret":1}');

    // Act
    const read = await forged(`/${EXPORTS}/imports/..%2F..%2F${DATA}%2Fprivate%2Fsecret.json`);

    // Assert
    expect(read.status).toBe(400);
    expect(await read.text()).not.toContain('secret":1');
  });
});

describe("createLocalS3rver: keys within the file system's limits", () => {
  it("answers KeyTooLongError for keys it cannot hold, keeps answering, and holds the longest it can", async () => {
    // Prepare: s3rver's files add "._S3rver_metadata.json" (22 bytes) to the last segment, within 255.
    const tooLong = [
      `${"a".repeat(251)}.png`, // 255 characters: crashed the process (ENAMETOOLONG in a write stream)
      `${"é".repeat(124)}.png`, // 252 bytes
      `half/${"b".repeat(236)}`, // the object file fits, its metadata file does not: was half stored
      `${"d".repeat(256)}/x.png`, // a folder name over 255 bytes
      `${"e/".repeat(512)}x`, // 1,025 bytes: S3's own limit
    ];
    const longest = `fits/${"c".repeat(229)}.png`; // a last segment of 233 bytes

    // Act
    const refused = await Promise.all(tooLong.map((key) => failure(put(key))));
    const read = await failure(s3.client.send(new GetObjectCommand({ Bucket: DATA, Key: tooLong[0] })));
    await put(longest, "longest");
    const got = await s3.client.send(new GetObjectCommand({ Bucket: DATA, Key: longest }));

    // Assert
    expect(refused.map((e) => [e.name, e.$metadata.httpStatusCode])).toEqual(
      tooLong.map(() => ["KeyTooLongError", 400]),
    );
    expect([read.name, read.$metadata.httpStatusCode]).toEqual(["KeyTooLongError", 400]);
    expect(await got.Body?.transformToString()).toBe("longest");
    expect(await keys(DATA, "fits/")).toEqual([longest]);
    expect(await keys(DATA, "half/")).toEqual([]);
  });

  it("lists a folder whose files an older version half stored, skipping them", async () => {
    // Prepare: what s3rver 3.7.1 left of a key whose object file fit but whose metadata file did not.
    const folder = join(s3.directory, DATA, "leftover");
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `${"h".repeat(236)}._S3rver_object`), "half");
    await put("leftover/ok.txt");

    // Act
    const listed = await keys(DATA, "leftover/");

    // Assert
    expect(listed).toEqual(["leftover/ok.txt"]);
    expect(existsSync(join(folder, "ok.txt._S3rver_object"))).toBe(true);
  });
});

describe("createLocalS3rver: continuation tokens", () => {
  it("answers a continuation token it did not give out with 400 InvalidArgument, as S3 does", async () => {
    // Act
    const error = await failure(
      s3.client.send(new ListObjectsV2Command({ Bucket: EXPORTS, ContinuationToken: "x".repeat(1500) })),
    );

    // Assert
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidArgument", 400]);
  });
});

function today(): string {
  return new Date().toISOString().slice(0, 10).replace(/-/g, "");
}

describe("createLocalS3rver: writes a kill cannot tear", () => {
  it("lists the bucket and reads the object whose metadata file a kill cut while it was written", async () => {
    // Prepare: what s3rver's in-place write left when the process died in it.
    await put("torn/a.txt", "whole body");
    await put("torn/b.txt", "other");
    await writeFile(join(s3.directory, DATA, "torn", "a.txt._S3rver_metadata.json"), '{\n  "content-ty');

    // Act
    const listed = await keys(DATA, "torn/");
    const read = await s3.client.send(new GetObjectCommand({ Bucket: DATA, Key: "torn/a.txt" }));

    // Assert
    expect(listed).toEqual(["torn/a.txt", "torn/b.txt"]);
    expect(await read.Body?.transformToString()).toBe("whole body");
  });

  it("replaces an object's files whole, leaving nothing beside them", async () => {
    // Prepare
    await put("whole/a.txt", "first");

    // Act
    await put("whole/a.txt", "second, longer");
    const read = await s3.client.send(new GetObjectCommand({ Bucket: DATA, Key: "whole/a.txt" }));

    // Assert
    expect(await read.Body?.transformToString()).toBe("second, longer");
    expect((await readdir(join(s3.directory, DATA, "whole"))).sort()).toEqual([
      "a.txt._S3rver_metadata.json",
      "a.txt._S3rver_object",
      "a.txt._S3rver_object.md5",
    ]);
  });
});
