import type { OpenedObject } from "../bytes/opened-object";

/** What a HEAD of an object says. */
export interface ObjectInfo {
  key: string;
  size: number;
  etag: string | null;
  versionId: string | null;
  contentType: string | null;
}

/** An object as a listing shows it. */
export interface ListedObject {
  key: string;
  /** Without quotes, as records keep it. */
  etag: string | null;
  /** ISO 8601. */
  lastModified: string | null;
}

/**
 * The data bucket, read-only. `head` answers null for a missing object (404) and throws
 * AccessDeniedError for 403 and TransientError for throttling or 5xx once the SDK's retries are spent.
 */
export interface ObjectStore {
  readonly bucket: string;
  head(key: string): Promise<ObjectInfo | null>;
  /** Opens an object for ranged reads; throws NotFoundError when it is gone. */
  open(key: string): Promise<OpenedObject>;
  /** One page of keys under a prefix, in S3's order, with each object's ETag and time where the store gives them. */
  list(
    prefix: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ keys: string[]; cursor: string | null; objects?: ListedObject[] }>;
}
