import { z } from "zod";

/** One S3 object event, decoded at the edge from EventBridge (or the local bridge). */
export const StorageEventSchema = z.object({
  bucket: z.string().min(1),
  /** The key as the event carried it (form-URL-encoded in S3 notifications). */
  rawKey: z.string().min(1),
  kind: z.enum(["created", "deleted"]),
  sequencer: z.string().regex(/^[0-9A-Fa-f]+$/),
  etag: z.string().optional(),
  versionId: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  /** Deletion reason (`DeleteObject`, `Lifecycle Expiration`, ...). */
  reason: z.string().optional(),
  /** For a delete: `Permanently Deleted` or `Delete Marker Created` (versioned buckets). */
  deletionType: z.string().optional(),
  time: z.string(),
});
export type StorageEvent = z.infer<typeof StorageEventSchema>;

/**
 * Decodes an event key. S3 notification records form-URL-encode keys (`+` for a space); for
 * EventBridge AWS documents no encoding and reports differ, so this one decoder serves both and
 * callers fall back to the raw key once when the decoded one answers 404 (design.md "Data flow").
 * A key that is not valid percent-encoding is returned as it came.
 */
export function decodeEventKey(rawKey: string): string {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, " "));
  } catch {
    return rawKey;
  }
}

/** Encodes a key as S3 notifications do (form-URL encoding); the local bridge uses it on s3rver's raw keys. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, "+")
    .replace(/%2F/g, "/")
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
