import type { ByteSource } from "./byte-source";

/** An object opened for reading, with what storage says about it. */
export interface OpenedObject extends ByteSource {
  etag?: string | null;
  versionId?: string | null;
  contentType?: string | null;
  close?(): Promise<void>;
}

/** Storage as a reader sees it: open an object by key (a local folder, an S3 prefix, the data bucket). */
export interface ObjectReader {
  open(key: string): Promise<OpenedObject>;
}
