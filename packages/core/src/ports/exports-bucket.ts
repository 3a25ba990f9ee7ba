/** What the API reads and writes in Sluice's exports bucket besides import files: any key, by its text. */
export interface ExportsBucket {
  /** The object's text, or null when it does not exist. */
  get(key: string): Promise<string | null>;
  /** Stores a JSON text under the key. */
  put(key: string, body: string): Promise<void>;
  /** One page of keys under a prefix, in S3's order. */
  list(
    prefix: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ keys: string[]; cursor: string | null }>;
  /** A presigned GET URL for the object. */
  presign(key: string): Promise<string>;
}
