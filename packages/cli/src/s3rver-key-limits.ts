import { join, sep } from "node:path";
import type { S3Refusal } from "./s3rver-error";

/** S3's own limit on a key: 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
// Linux's NAME_MAX and PATH_MAX (with its NUL): the limits of every common local file system.
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4095;
// s3rver keeps a key `a/b/c` as `a/b/c._S3rver_object`, `…._S3rver_object.md5` and
// `…._S3rver_metadata.json` (its tagging file is shorter): the last segment shares a name with the longest.
const LONGEST_SUFFIX = "._S3rver_metadata.json";
/** The longest last segment of a key that the local S3 can keep (233 bytes). */
export const MAX_LAST_SEGMENT_BYTES = MAX_NAME_BYTES - byteLength(LONGEST_SUFFIX);

/**
 * Why the local S3 cannot keep `key` of `bucket` under `root`, or null when it can. s3rver maps a key's
 * segments onto folders with `path.join`, so enough `..` segments would put its files outside the
 * bucket's folder (in another bucket, DATA_DIR or anywhere); and each file name and the whole path
 * must fit the file system. Too long is S3's own `KeyTooLongError`. (A `..` that stays inside, as in
 * `a/x/../b`, is kept where s3rver always kept it, on `a/b`'s files: the bad-input corpus has such keys.)
 */
export function keyRefusal(root: string, bucket: string, key: string): S3Refusal | null {
  if (key.includes("\0")) return invalid("the local S3 cannot store a key that contains a NUL character");
  const size = byteLength(key);
  if (size > MAX_KEY_BYTES) return tooLong(`${size} bytes, more than S3's ${MAX_KEY_BYTES}`);
  const bucketFolder = join(root, bucket);
  const files = join(bucketFolder, key + LONGEST_SUFFIX);
  if (!files.startsWith(bucketFolder + sep))
    return invalid("the local S3 cannot store a key whose '..' segments lead outside its bucket's folder");
  const folders = key.split("/");
  const last = folders.pop() ?? "";
  for (const folder of folders) {
    if (byteLength(folder) > MAX_NAME_BYTES)
      return tooLong(
        `a folder segment of ${byteLength(folder)} bytes; the local S3 keeps at most ${MAX_NAME_BYTES}`,
      );
  }
  if (byteLength(last) > MAX_LAST_SEGMENT_BYTES)
    return tooLong(
      `a last segment of ${byteLength(last)} bytes; the local S3 keeps at most ${MAX_LAST_SEGMENT_BYTES} ` +
        `(its files add "${LONGEST_SUFFIX}" within the file system's ${MAX_NAME_BYTES})`,
    );
  const path = byteLength(files);
  if (path > MAX_PATH_BYTES)
    return tooLong(`its files' path would be ${path} bytes; the file system allows ${MAX_PATH_BYTES}`);
  return null;
}

/** Why the local S3 cannot have a bucket of this name (one folder under its root), or null. */
export function bucketRefusal(bucket: string): S3Refusal | null {
  // S3's legacy rule (letters, digits, `.`, `_`, `-`, at most 255), which admits every valid name and no path.
  if (/^[A-Za-z0-9._-]{1,255}$/.test(bucket) && bucket !== "." && bucket !== "..") return null;
  return { code: "InvalidBucketName", message: "The specified bucket is not valid." };
}

function invalid(message: string): S3Refusal {
  return { code: "InvalidArgument", message };
}

function tooLong(why: string): S3Refusal {
  return { code: "KeyTooLongError", message: `Your key is too long: ${why}.` };
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
