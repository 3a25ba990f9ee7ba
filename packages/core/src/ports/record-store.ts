import type { RecordFilter } from "../records/listing";
import type { SluiceRecord } from "../records/record";

/** A record as stored: the public record plus what keeps writes ordered and idempotent. */
export interface StoredRecord extends SluiceRecord {
  /** Incremented on every change of the record. */
  revision: number;
  /** The newest S3 sequencer applied per source key (the object, its sidecar, each defaults file), normalised. */
  sequencers: Record<string, string>;
}

/** The records of the records table. Writes are single-item and conditional (dynalite has no transactions). */
export interface RecordStore {
  get(bucket: string, key: string): Promise<StoredRecord | null>;
  getMany(bucket: string, keys: readonly string[]): Promise<StoredRecord[]>;
  /**
   * Writes the record only if the stored revision is still `expectedRevision` (null: no item yet);
   * otherwise throws WriteConflictError. The caller sets `revision` to expectedRevision + 1.
   */
  put(record: StoredRecord, expectedRevision: number | null): Promise<void>;
  /**
   * Records pending export whose last change is at or before `changedBefore` (ISO time), oldest first, each
   * once and as the table holds it now (a consistent read): an index only names candidates, since its copy
   * may be stale (an eventually consistent index, or one that kept the entry of a write a crash cut short).
   */
  listPending(changedBefore: string, limit: number): Promise<StoredRecord[]>;
  /**
   * Claims a pending record for the import file `file` about to be written, if its revision is still
   * `revision` (it stays pending, with `export.file` set, at `revision + 1`); answers the record as the
   * claim left it, or null when the claim failed.
   */
  claimExport(bucket: string, key: string, revision: number, file: string): Promise<StoredRecord | null>;
  /** Marks a record exported (at `revision + 1`) if its revision is still `revision`; answers whether it did. */
  markExported(bucket: string, key: string, revision: number, file: string, at: string): Promise<boolean>;
  /**
   * One page of the table: the keys of live (not deleted) records of `bucket` under `prefix`; a page
   * may hold none while `cursor` goes on (the table is read in its own order, not by prefix).
   */
  scanKeys(
    bucket: string,
    prefix: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ keys: string[]; cursor: string | null }>;
  /**
   * One page of the records the sparse byStatus index names (design.md "Records"): for `status`, those in
   * `filter.status` (not `ready`), objects and groups alike; for `groups`, the group and series records of
   * `filter.type`, in any status or in `filter.status`. Records come as the table holds them now (a
   * consistent read: an index entry only names a candidate), in index order (status, last change, key),
   * at most `limit`, filtered by `filter`. `after` is a `cursor` of an earlier page of the same listing;
   * one that is not throws InvalidCursorError. A page may hold fewer than `limit` while `cursor` goes on.
   */
  listIndexed(
    bucket: string,
    source: "status" | "groups",
    filter: RecordFilter,
    after: string | null,
    limit: number,
  ): Promise<{ records: StoredRecord[]; cursor: string | null }>;
  /**
   * Writes where a record ended up in Encord (at `revision + 1`, so a writer holding an older read
   * re-reads it and keeps it); a record gone meanwhile is left alone.
   */
  setEncord(bucket: string, key: string, encord: NonNullable<SluiceRecord["encord"]>): Promise<void>;
}
