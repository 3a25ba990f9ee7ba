import { z } from "zod";

/** A page of re-derivation work: every data object under `prefix`, after a `_defaults.json` change. */
export const RederiveMessageSchema = z.object({
  type: z.literal("rederive-prefix"),
  bucket: z.string(),
  prefix: z.string(),
  /** The source key whose change caused the work (the defaults file) and its sequencer. */
  source: z.string(),
  sequencer: z.string().regex(/^[0-9A-Fa-f]+$/),
  cursor: z.string().nullable(),
});
export type RederiveMessage = z.infer<typeof RederiveMessageSchema>;

/** Re-assembles the image group of a folder holding a `_group.json` from the current state of storage. */
export const AssembleGroupMessageSchema = z.object({
  type: z.literal("assemble-group"),
  bucket: z.string(),
  /** The folder, with its trailing slash. */
  folder: z.string(),
  /** A reimport with `force`: a group held as changed after its export is sent again. */
  force: z.boolean().optional(),
});
export type AssembleGroupMessage = z.infer<typeof AssembleGroupMessageSchema>;

/** Re-assembles one DICOM series of a folder from the current state of storage. */
export const AssembleSeriesMessageSchema = z.object({
  type: z.literal("assemble-series"),
  bucket: z.string(),
  seriesUid: z.string().min(1),
  /** The folder, with its trailing slash. */
  folder: z.string(),
  /** A reimport with `force`: a series held as changed after its export is sent again. */
  force: z.boolean().optional(),
});
export type AssembleSeriesMessage = z.infer<typeof AssembleSeriesMessageSchema>;

/** What every step of a reimport job carries, so that a step needs nothing but its message. */
const ReimportFieldsSchema = z.object({
  jobId: z.string().min(1),
  bucket: z.string(),
  /** The prefix reimported (`""`: the whole bucket), or null for a list of keys. */
  prefix: z.string().nullable(),
  keys: z.array(z.string()).nullable(),
  mode: z.enum(["merge", "overwrite"]),
  dryRun: z.boolean(),
  force: z.boolean(),
  /** The job's sequencer, under the source `reimport` of every record it writes. */
  sequencer: z.string().regex(/^[0-9A-Fa-f]+$/),
  /** An S3 continuation token for a prefix, an index into `keys` (decimal) for a list. */
  cursor: z.string().nullable(),
  /** The step's number in the job, so that a redelivered step is counted once. */
  step: z.number().int().min(0),
});

/** A step that counts the data objects under a reimport's prefix (up to ten pages), so that `total` is known first. */
export const ReimportCountMessageSchema = ReimportFieldsSchema.extend({ type: z.literal("reimport-count") });
export type ReimportCountMessage = z.infer<typeof ReimportCountMessageSchema>;

/** A step that reimports one page of a job's keys. */
export const ReimportPageMessageSchema = ReimportFieldsSchema.extend({ type: z.literal("reimport-page") });
export type ReimportPageMessage = z.infer<typeof ReimportPageMessageSchema>;

/** Any step of a reimport job. */
export type ReimportMessage = ReimportCountMessage | ReimportPageMessage;

/** What every step of a reconcile carries. */
const ReconcileFieldsSchema = z.object({
  jobId: z.string().min(1),
  bucket: z.string(),
  prefix: z.string(),
  /** The job's sequencer, under the source `reconcile` of every record it writes. */
  sequencer: z.string().regex(/^[0-9A-Fa-f]+$/),
  /** An S3 continuation token (listing steps) or a table cursor (record steps). */
  cursor: z.string().nullable(),
  step: z.number().int().min(0),
});

/** A reconcile step over one page of the bucket's listing: missing and stale records are repaired. */
export const ReconcileListMessageSchema = ReconcileFieldsSchema.extend({ type: z.literal("reconcile-list") });
export type ReconcileListMessage = z.infer<typeof ReconcileListMessageSchema>;

/** A reconcile step over one page of the records table: records of objects that are gone are tombstoned. */
export const ReconcileRecordsMessageSchema = ReconcileFieldsSchema.extend({
  type: z.literal("reconcile-records"),
});
export type ReconcileRecordsMessage = z.infer<typeof ReconcileRecordsMessageSchema>;

/** Any step of a reconcile. */
export type ReconcileMessage = ReconcileListMessage | ReconcileRecordsMessage;

/** Any message of the work queue. */
export const WorkMessageSchema = z.discriminatedUnion("type", [
  RederiveMessageSchema,
  ReimportCountMessageSchema,
  ReimportPageMessageSchema,
  AssembleGroupMessageSchema,
  AssembleSeriesMessageSchema,
  ReconcileListMessageSchema,
  ReconcileRecordsMessageSchema,
]);
export type WorkMessage = z.infer<typeof WorkMessageSchema>;
