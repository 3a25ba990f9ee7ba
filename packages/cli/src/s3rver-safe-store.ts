import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type S3Refusal, s3rverError } from "./s3rver-error";
import { bucketRefusal, keyRefusal } from "./s3rver-key-limits";

const require = createRequire(import.meta.url);
let applied = false;

interface Store {
  rootDirectory: string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
}

// Every store method that touches the file system: a name the file system still refuses becomes S3's error.
const FILE_METHODS = [
  "getBucket",
  "putBucket",
  "deleteBucket",
  "listObjects",
  "existsObject",
  "getMetadata",
  "getObject",
  "putObject",
  "copyObject",
  "deleteObject",
  "initiateUpload",
  "putPart",
  "putObjectMultipart",
  "getSubresource",
  "putSubresource",
  "deleteSubresource",
];

/**
 * Makes s3rver's file store keep every file under its folder and never crash the process. s3rver 3.7.1
 * joins bucket names, keys, upload ids and part numbers into paths unchecked (`../` in any of them
 * writes, reads or deletes outside DATA_DIR), and writes objects through a stream with no error
 * listener, so a name the file system refuses (`ENAMETOOLONG` for a 255-byte key) was an uncaught
 * exception that took the whole local stack down; a key whose object fits but whose metadata file
 * does not was half stored, and answered 500 ever after. Keys and buckets it cannot keep are now
 * refused up front with S3's own errors (s3rver-key-limits.ts), writes fail as rejected promises, and
 * a listing skips files of keys that an older version half stored.
 */
export function guardS3rverStore(): void {
  if (applied) return;
  const store: unknown = require("s3rver/lib/stores/filesystem");
  const prototype: Record<string, unknown> | undefined =
    typeof store === "function" && typeof store.prototype === "object" ? store.prototype : undefined;
  if (!prototype) throw new Error("s3rver's FilesystemStore has an unexpected shape: cannot guard it");
  const originals = Object.fromEntries(
    [...FILE_METHODS, "getBucketPath", "getResourcePath"].map((name) => {
      const method = prototype[name];
      if (typeof method !== "function")
        throw new Error(`s3rver's FilesystemStore has no ${name}: cannot guard it`);
      return [name, method];
    }),
  );
  const call = (name: string, self: Store, args: unknown[]): unknown => {
    const method = originals[name];
    if (!method) throw new Error(`s3rver's FilesystemStore has no ${name}`);
    return Reflect.apply(method, self, args);
  };

  prototype.getBucketPath = function getBucketPath(this: Store, bucket: string) {
    refuseWith(bucketRefusal(bucket));
    return call("getBucketPath", this, [bucket]);
  };
  prototype.getResourcePath = function getResourcePath(
    this: Store,
    bucket: string,
    key: string | undefined,
    resource: string,
  ) {
    refuseWith(bucketRefusal(bucket));
    // No key (or an empty one) is s3rver's bucket-level resource: the uploads folder, CORS, website.
    if (key) refuseWith(keyRefusal(this.rootDirectory, bucket, key));
    return call("getResourcePath", this, [bucket, key, resource]);
  };
  prototype.getBucket = async function getBucket(this: Store, bucket: string) {
    return bucketRefusal(bucket) ? null : call("getBucket", this, [bucket]);
  };
  prototype.getMetadata = async function getMetadata(this: Store, bucket: string, key: string) {
    // Read as absent, so that a listing skips it (it skips ENOENT); reads by key are refused in getObject.
    if (keyRefusal(this.rootDirectory, bucket, key))
      throw Object.assign(new Error("not stored"), { code: "ENOENT" });
    return call("getMetadata", this, [bucket, key]);
  };
  prototype.getObject = async function getObject(this: Store, bucket: string, key: string, options: unknown) {
    refuseWith(keyRefusal(this.rootDirectory, bucket, key));
    return call("getObject", this, [bucket, key, options]);
  };
  prototype.initiateUpload = async function initiateUpload(
    this: Store,
    bucket: string,
    key: string,
    ...rest: unknown[]
  ) {
    // The key is kept in the upload's folder and used only at completion: refuse it now, as S3 does.
    refuseWith(keyRefusal(this.rootDirectory, bucket, key));
    return call("initiateUpload", this, [bucket, key, ...rest]);
  };
  prototype.putObjectMultipart = async function putObjectMultipart(
    this: Store,
    bucket: string,
    uploadId: string,
    parts: unknown,
  ) {
    refuseWith(uploadIdRefusal(uploadId));
    return call("putObjectMultipart", this, [bucket, uploadId, parts]);
  };
  prototype.putObject = async function putObject(this: Store, object: StoredObject) {
    const { size, md5 } = await writeContent(
      this.getResourcePath(object.bucket, object.key, "object"),
      object.content,
    );
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size, md5 };
  };
  prototype.putPart = async function putPart(
    this: Store,
    bucket: string,
    uploadId: string,
    partNumber: unknown,
    content: unknown,
  ) {
    refuseWith(uploadIdRefusal(uploadId) ?? partNumberRefusal(partNumber));
    const partPath = join(this.getResourcePath(bucket, undefined, "uploads"), uploadId, String(partNumber));
    const { size, md5 } = await writeContent(partPath, content);
    await writeFile(`${partPath}.md5`, md5);
    return { size, md5 };
  };
  for (const name of FILE_METHODS) {
    const guarded = prototype[name];
    if (typeof guarded !== "function") continue;
    prototype[name] = async function withNameLimit(this: Store, ...args: unknown[]) {
      try {
        return await Reflect.apply(guarded, this, args);
      } catch (error) {
        // A file system with shorter names than Linux's 255 bytes (eCryptfs: 143) still answers S3's error.
        if (error instanceof Error && "code" in error && error.code === "ENAMETOOLONG")
          throw s3rverError("KeyTooLongError", "Your key is too long for the local S3's file system.");
        throw error;
      }
    };
  }
  applied = true;
}

interface StoredObject {
  bucket: string;
  key: string;
  content: unknown;
  metadata: unknown;
}

/**
 * Writes a body (a Buffer or a stream) to a file and returns its size and MD5. Opening the file comes
 * first, so a refused name fails before any byte is read; every failure is a rejection (s3rver's own
 * stream had no error listener), and a partly written file is removed.
 */
async function writeContent(path: string, content: unknown): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(path), { recursive: true });
  if (Buffer.isBuffer(content)) {
    await writeFile(path, content);
    return { size: content.length, md5: createHash("md5").update(content).digest("hex") };
  }
  if (!(content instanceof Readable))
    throw new TypeError("s3rver passed a body that is neither a Buffer nor a stream");
  const out = createWriteStream(path);
  await once(out, "open");
  const md5 = createHash("md5");
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      md5.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(content, measure, out);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { size, md5: md5.digest("hex") };
}

function refuseWith(refusal: S3Refusal | null): void {
  if (refusal) throw s3rverError(refusal.code, refusal.message);
}

// s3rver's upload ids are 16 random bytes in hex; anything else names no upload (and could name a path).
function uploadIdRefusal(uploadId: unknown): S3Refusal | null {
  if (typeof uploadId === "string" && /^[0-9a-f]{32}$/.test(uploadId)) return null;
  return {
    code: "NoSuchUpload",
    message:
      "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  };
}

function partNumberRefusal(partNumber: unknown): S3Refusal | null {
  const text = String(partNumber);
  if (/^[1-9]\d{0,4}$/.test(text) && Number(text) <= 10_000) return null;
  return {
    code: "InvalidArgument",
    message: "Part number must be an integer between 1 and 10000, inclusive",
  };
}
