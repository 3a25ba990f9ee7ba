import type { Delivery, DeliveryState, UploadJobResult } from "../delivery/delivery";
import type { OutboundEvent } from "../delivery/outbound-events";
import type { EntryCounts } from "../imports/counts";
import type { Job, JobProgress, JobStatus, NewJob } from "../jobs/job";
import type { RunningJob } from "../jobs/job-admission";
import type { MetadataSchema } from "../metadata/schema";
import type { WorkMessage } from "../pipeline/work-message";
import type { RecordFilter } from "../records/listing";
import type { SluiceRecord } from "../records/record";
import type { OpenedObject } from "../scan/scan-listing";

export type { RederiveMessage, ReimportMessage, WorkMessage } from "../pipeline/work-message";

/** What a HEAD of an object says. */
export interface ObjectInfo {
  key: string;
  size: number;
  etag: string | null;
  versionId: string | null;
  contentType: string | null;
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

/** An object as a listing shows it. */
export interface ListedObject {
  key: string;
  /** Without quotes, as records keep it. */
  etag: string | null;
  /** ISO 8601. */
  lastModified: string | null;
}

/** A record as stored: the public record plus what keeps writes ordered and idempotent. */
export interface StoredRecord extends SluiceRecord {
  /** Incremented on every change of the record. */
  revision: number;
  /** The newest S3 sequencer applied per source key (the object, its sidecar, each defaults file), normalised. */
  sequencers: Record<string, string>;
}

/** The records table. Writes are single-item and conditional (dynalite has no transactions). */
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
  /** Takes or renews the named lease until `until` if it is free or expired at `now`; answers whether it holds it. */
  acquireLease(name: string, owner: string, now: string, until: string): Promise<boolean>;
  /** Frees the named lease if `owner` still holds it (a lease taken over after it expired is left to its holder). */
  releaseLease(name: string, owner: string): Promise<void>;
  /**
   * Raises the named flag unless it is up and was raised less than `staleAfterSeconds` before `now`;
   * answers whether this call raised it (a flag whose follow-up was lost goes stale and can be raised again).
   */
  raiseFlag(name: string, now: string, staleAfterSeconds: number): Promise<boolean>;
  lowerFlag(name: string): Promise<void>;
  /** The metadata schema in force, or null when none is set. */
  getSchema(): Promise<MetadataSchema | null>;
  /**
   * Writes where a record ended up in Encord (at `revision + 1`, so a writer holding an older read
   * re-reads it and keeps it); a record gone meanwhile is left alone.
   */
  setEncord(bucket: string, key: string, encord: NonNullable<SluiceRecord["encord"]>): Promise<void>;
}

/** Deliveries of import files to Encord, in the records table. */
export interface DeliveryStore {
  /** Adds a queued delivery unless one exists for its file. */
  enqueue(delivery: Delivery): Promise<void>;
  /** Open deliveries (queued, submitting, running), oldest first. */
  listOpen(): Promise<Delivery[]>;
  /** The newest deliveries first, open or not, up to `limit`. */
  listRecent(limit: number): Promise<Delivery[]>;
  /** The deliveries of these import files (by key), in any order; a file never delivered has none. */
  getMany(files: readonly string[]): Promise<Delivery[]>;
  /** Writes `next` only if the stored state is still `expected`; answers whether it did. */
  update(next: Delivery, expected: DeliveryState): Promise<boolean>;
}

/** Encord's upload jobs for one configured integration (design.md "Delivery to Encord"). */
export interface EncordJobs {
  /** Starts a job for an import file (its JSON text and its key as the job's file name); answers the job id. */
  start(folder: string, importFile: string, fileName: string): Promise<string>;
  /** One long poll of a job, at most `timeoutSeconds` long. */
  poll(folder: string, jobId: string, timeoutSeconds: number): Promise<UploadJobResult>;
}

/** The work queue (SQS in AWS, the local driver on a laptop). */
export interface WorkQueue {
  send(message: WorkMessage): Promise<void>;
}

/** Sluice's own exports bucket: import files. */
export interface ExportStore {
  /** Stores an import file under `imports/<name>.json`, with its entry counts beside it, and returns its key. */
  putImport(name: string, body: string, counts: EntryCounts): Promise<string>;
  /** The key `putImport(name)` stores under. */
  importKey(name: string): string;
  /** Whether the import file at `key` exists. */
  hasImport(key: string): Promise<boolean>;
  /** The text of the import file at `key`. */
  getImport(key: string): Promise<string>;
  /**
   * What is known of the import file at `key` without reading it: when it was written and its entry
   * counts (null for a file stored without them); null when there is no such file.
   */
  describeImport(key: string): Promise<ImportFileInfo | null>;
}

/** An import file as its storage describes it. */
export interface ImportFileInfo {
  /** When storage says the file was written (S3's Last-Modified, to the second). */
  writtenAt: string | null;
  counts: EntryCounts | null;
}

/** Jobs of fan-out work (reimports) with their progress, in the records table. */
export interface JobStore {
  createJob(job: NewJob): Promise<void>;
  getJob(id: string): Promise<Job | null>;
  /**
   * Adds one step's progress atomically, only if `progress.step` is the job's next step; answers whether
   * it counted (false: the step was counted before, by an earlier delivery of the same message).
   */
  addProgress(id: string, progress: JobProgress): Promise<boolean>;
  /** Moves the job to `status` unless it is already there or further on; answers whether it moved. */
  setStatus(id: string, status: JobStatus, at: string): Promise<boolean>;
  /**
   * The places of running jobs (one registry item, since only single-item conditional writes exist) and the
   * registry's version; version 0 when it was never written.
   */
  readRunningJobs(): Promise<{ jobs: RunningJob[]; version: number }>;
  /** Replaces the registry if its version is still `version`; answers whether it did (false: written meanwhile). */
  writeRunningJobs(jobs: readonly RunningJob[], version: number): Promise<boolean>;
}

/** The queues whose dead letters Sluice lists and redrives. */
export type DeadLetterQueueName = "ingest" | "work";

/** A message set aside after its receives ran out (design.md "Decisions": five), as `GET /dead-letters` shows it. */
export interface DeadLetterMessage {
  /** The message id on the dead-letter queue (SQS keeps the source message's id). */
  id: string;
  queue: DeadLetterQueueName;
  /** The body parsed when it is JSON (an EventBridge event, a work message), else the raw text. */
  body: unknown;
  /** When the message was first sent to its source queue (ISO 8601); null when not known. */
  sentAt: string | null;
  /** Receives so far; on SQS it also counts the receives of listing, so it is approximate. */
  receiveCount: number;
  /** Why the last receive failed, where the queue knows it (the local queues do; SQS does not). */
  lastError: string | null;
  /** The message's string attributes, sent back with it on redrive. */
  attributes: Record<string, string>;
}

/** One page of a dead-letter queue. */
export interface DeadLetterPage {
  messages: DeadLetterMessage[];
  /** Messages on the dead-letter queue (approximate on SQS). */
  total: number;
}

/** A dead letter that a redrive could not move, and at which step. */
export interface RedriveFailure {
  id: string;
  queue: DeadLetterQueueName;
  /** `send`: still dead-lettered, nothing sent; `delete`: sent back but still dead-lettered too (harmless, see DeadLetters). */
  stage: "send" | "delete";
  error: string;
}

/** What one redrive did. */
export interface RedriveOutcome {
  /** Messages sent back to their source queue and deleted from the dead-letter queue. */
  moved: number;
  failed: RedriveFailure[];
  /** Ids asked for that are not dead-lettered (any more): a repeated redrive lands here. */
  notFound: string[];
  /** True when the redrive stopped at its per-call budget with messages left: call it again. */
  more: boolean;
}

/**
 * Dead-lettered messages: listed, and moved back to their source queue. A move is "send to the source,
 * then delete from the dead-letter queue", so a crash between the two leaves the message in both; a later
 * redrive sends it again, which is harmless because every write of the pipeline is conditional on its
 * per-source-key sequencer (and a record's `revision`), and reimport steps are counted once by step number:
 * the re-processed event changes nothing and records stay exactly-once. The opposite order could lose it.
 */
export interface DeadLetters {
  list(queue: DeadLetterQueueName, limit: number): Promise<DeadLetterPage>;
  /** Moves every dead letter of `queue` back, or only those whose id is in `ids`. */
  redrive(queue: DeadLetterQueueName, ids?: readonly string[]): Promise<RedriveOutcome>;
}

/**
 * Where outbound events go (EventBridge in AWS, a webhook locally). Best-effort: `publish` never
 * throws, since the records are already written; an adapter reports what it could not deliver.
 */
export interface EventPublisher {
  publish(events: readonly OutboundEvent[]): Promise<void>;
}
