import { createHash } from "node:crypto";
import { MAX_TITLE_LENGTH } from "./fields";

/** How much of a long key's end a shortened title keeps: the end tells files apart best. */
const KEPT_CODE_POINTS = 280;

/** Hex characters of sha256(key) appended to a shortened title. */
const HASH_HEX_LENGTH = 10;

/**
 * The default title of an object: its key, or for keys over 300 characters the last 280 plus
 * `~` and a hash of the whole key, so that titles stay unique within a bucket.
 */
export function titleFor(key: string): string {
  // Spreading a string iterates code points, so a surrogate pair is never split.
  const codePoints = [...key];
  if (codePoints.length <= MAX_TITLE_LENGTH) return key;
  const hash = createHash("sha256").update(key, "utf8").digest("hex").slice(0, HASH_HEX_LENGTH);
  return `${codePoints.slice(-KEPT_CODE_POINTS).join("")}~${hash}`;
}
