import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
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
 * a listing skips files of keys that an older version half stored. Files are replaced whole (written beside,
 * then renamed), so a kill -9 mid-write leaves no torn body or metadata file: a torn metadata file answered
 * 500 to every listing of its bucket, which also stopped the reconcile meant to repair after the kill.
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
    try {
      return await call("getMetadata", this, [bucket, key]);
    } catch (error) {
      // A metadata file a kill cut while s3rver wrote it in place (before putMetadata wrote files whole): s3rver
      // parsed it on every read, so it answered 500 to the key's reads and every listing of its bucket, for
      // good. Without it the object reads as stored without metadata, as s3rver reads one whose file was never written.
      if (!(error instanceof SyntaxError)) throw error;
      await rm(this.getResourcePath(bucket, key, "metadata.json"), { force: true });
      return call("getMetadata", this, [bucket, key]);
    }
  };
  prototype.putMetadata = async function putMetadata(
    this: Store,
    bucket: string,
    key: string,
    metadata: Record<string, unknown>,
    md5?: string,
  ) {
    // s3rver's own, with each file replaced whole: a kill mid-write left a truncated metadata file.
    const allowed = allowedMetadata();
    const kept = Object.entries(metadata).filter(
      ([name]) => allowed.has(name) || name.startsWith("x-amz-meta-"),
    );
    if (md5) await writeWhole(this.getResourcePath(bucket, key, "object.md5"), md5);
    await writeWhole(
      this.getResourcePath(bucket, key, "metadata.json"),
      JSON.stringify(Object.fromEntries(kept), null, 2),
    );
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
    // The body is written beside and renamed into place, so a kill leaves the old object or the new one, never
    // a torn one; the old MD5 goes first, so that a kill before the new one is written lets s3rver compute it.
    const path = this.getResourcePath(object.bucket, object.key, "object");
    const written = await writeContent(path, object.content);
    await rm(this.getResourcePath(object.bucket, object.key, "object.md5"), { force: true });
    await written.commit();
    await this.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return { size: written.size, md5: written.md5 };
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
    const written = await writeContent(partPath, content);
    await written.commit();
    await writeFile(`${partPath}.md5`, written.md5);
    return { size: written.size, md5: written.md5 };
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
  metadata: Record<string, unknown>;
}

/** A body written beside its file, with its size and MD5; `commit` renames it into place. */
interface WrittenContent {
  size: number;
  md5: string;
  commit(): Promise<void>;
}

/**
 * Writes a body (a Buffer or a stream) beside `path` and returns its size and MD5; every failure is a
 * rejection (s3rver's own stream had no error listener), and a partly written file is removed. The file
 * beside has a short name (`.<hex>.tmp`, in the same folder, so that the rename is atomic) and no s3rver
 * suffix, so listings never see it; a name too long for the file system fails at the rename.
 */
async function writeContent(path: string, content: unknown): Promise<WrittenContent> {
  await mkdir(dirname(path), { recursive: true });
  const draft = besidePath(path);
  const commit = async () => {
    try {
      await rename(draft, path);
    } catch (error) {
      await rm(draft, { force: true });
      throw error;
    }
  };
  if (Buffer.isBuffer(content)) {
    await writeFile(draft, content);
    return { size: content.length, md5: createHash("md5").update(content).digest("hex"), commit };
  }
  if (!(content instanceof Readable))
    throw new TypeError("s3rver passed a body that is neither a Buffer nor a stream");
  const out = createWriteStream(draft);
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
    await rm(draft, { force: true });
    throw error;
  }
  return { size, md5: md5.digest("hex"), commit };
}

/** Replaces a small file whole: written beside, then renamed over it. */
async function writeWhole(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const draft = besidePath(path);
  try {
    await writeFile(draft, text);
    await rename(draft, path);
  } catch (error) {
    await rm(draft, { force: true });
    throw error;
  }
}

function besidePath(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
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

/** The system metadata s3rver keeps beside x-amz-meta-* (S3Object.ALLOWED_METADATA). */
function allowedMetadata(): Set<string> {
  const model: unknown = require("s3rver/lib/models/object");
  const names = typeof model === "function" && "ALLOWED_METADATA" in model ? model.ALLOWED_METADATA : null;
  if (!Array.isArray(names)) throw new Error("s3rver's S3Object has no ALLOWED_METADATA list");
  return new Set(names.map(String));
}
