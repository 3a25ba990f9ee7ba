export type { ByteSource } from "./bytes/byte-source";
export { createMemoryByteSource } from "./bytes/byte-source";
export { createCachingByteSource } from "./bytes/caching-byte-source";
export { HEAD_BYTES } from "./bytes/head-bytes";
export type { ObjectReader, OpenedObject } from "./bytes/opened-object";
export { runDeliveries } from "./delivery/deliver";
export type { Delivery, DeliveryState } from "./delivery/delivery";
export { DELIVERY_STATES, isOpen } from "./delivery/delivery";
export type { OutboundEvent, PublishFailure } from "./delivery/outbound-events";
export { exportWrittenEvent } from "./delivery/outbound-events";
export {
  AccessDeniedError,
  InvalidCursorError,
  InvalidInputError,
  isRetryable,
  KeyTooLongError,
  NotFoundError,
  TransientError,
  WriteConflictError,
} from "./errors";
export type { ImportFileSummary } from "./export/describe-imports";
export { describeImports } from "./export/describe-imports";
export { EXPORTER_LEASE, exportPending } from "./export/export-pending";
export { folderOf } from "./groups/group-result";
export { MAX_ADHOC_KEYS, writeAdhocImports } from "./imports/ad-hoc-imports";
export type { EntryCounts } from "./imports/counts";
export { EntryCountsSchema } from "./imports/counts";
export type { FolderRoute } from "./imports/encord-folders";
export { parseEncordFolders } from "./imports/encord-folders";
export type { ImportLimits } from "./imports/split";
export { DEFAULT_IMPORT_LIMITS, serializeImportFile } from "./imports/split";
export type { Issue } from "./issues";
export { issue } from "./issues";
export type { Job, JobStatus, NewJob, PlanEntry } from "./jobs/job";
export {
  JOB_STATUSES,
  JobContinuationSchema,
  JobErrorSchema,
  JobPlanSchema,
  JobSchema,
  MAX_JOB_ERRORS,
  MAX_PLAN_ENTRIES,
  NewJobSchema,
  PlanEntrySchema,
  ReconcileCountsSchema,
} from "./jobs/job";
export type { RunningJob } from "./jobs/job-admission";
export { JOB_LEASE_SECONDS, JobLimitError, JobRunningError, RunningJobSchema } from "./jobs/job-admission";
export type { JobLease } from "./jobs/job-registry";
export { admitJob } from "./jobs/job-registry";
export type { JobStepContext } from "./jobs/job-step";
export type { RederiveMessage, ReimportMessage, WorkMessage } from "./jobs/work-message";
export { WorkMessageSchema } from "./jobs/work-message";
export { isJsonObject, StoredJsonObjectSchema } from "./json";
export {
  classifyKey,
  DEFAULT_SIDECAR_SUFFIXES,
  DEFAULTS_FILE_NAME,
  defaultsKeysFor,
  GROUP_MANIFEST_FILE_NAME,
  parseSidecarSuffixes,
  sidecarKeysFor,
} from "./keys/classify-key";
export { objectUrlFor, objectUrlFromBase } from "./keys/object-url";
export { inferBucketSchema, MAX_INFER_KEYS } from "./metadata/infer-bucket-schema";
export type { MetadataSchema } from "./metadata/schema";
export { parseMetadataSchema } from "./metadata/schema";
export { isEmptySchemaDiff, planSchemaPush } from "./metadata/schema-diff";
export { pushSchema, setSchema } from "./metadata/set-schema";
export { tooComplexLayerText } from "./metadata/sidecar";
export { assembleGroupPage, assembleSeriesPage } from "./pipeline/assemble-pipeline";
export { eventsOfDerivation } from "./pipeline/derivation-events";
export { deriveAndStore } from "./pipeline/derive-and-store";
export { ingestEvent } from "./pipeline/ingest-event";
export type { Derivation, PipelineDeps } from "./pipeline/pipeline-deps";
export { runReconcileStep, startReconcile } from "./pipeline/reconcile";
export { rederivePage } from "./pipeline/rederive-page";
export { redriveDeadLetters } from "./pipeline/redrive-dead-letters";
export { runReimportPage } from "./pipeline/reimport";
export type { JobStartIds } from "./pipeline/reimport-start";
export { startReimport } from "./pipeline/reimport-start";
export type { StorageEvent } from "./pipeline/storage-event";
export { decodeEventKey, encodeEventKey, StorageEventSchema } from "./pipeline/storage-event";
export type {
  DeadLetterMessage,
  DeadLetterQueueName,
  DeadLetters,
  RedriveFailure,
  RedriveOutcome,
} from "./ports/dead-letters";
export type { DeliveryStore } from "./ports/delivery-store";
export type { EncordJobs } from "./ports/encord-jobs";
export type { EncordSchema } from "./ports/encord-schema";
export type { EventPublisher } from "./ports/event-publisher";
export type { ExportStore, ImportFileInfo } from "./ports/export-store";
export type { ExportsBucket } from "./ports/exports-bucket";
export type { Flags } from "./ports/flags";
export type { JobStore } from "./ports/job-store";
export type { Leases } from "./ports/leases";
export type { ObjectInfo, ObjectStore } from "./ports/object-store";
export type { RecordStore, StoredRecord } from "./ports/record-store";
export type { SchemaStore } from "./ports/schema-store";
export type { WorkQueue } from "./ports/work-queue";
export { probeMedia } from "./probes/probe-media";
export type { ProbeSettings } from "./probes/probe-types";
export { DEFAULT_PROBE_SETTINGS } from "./probes/probe-types";
export { changedFields } from "./records/changes";
export type { MetadataEditMode } from "./records/edit-metadata";
export { EDIT_ATTEMPTS, editMetadata } from "./records/edit-metadata";
export { listRecords } from "./records/list-records";
export type { ListingSource, RecordFilter } from "./records/listing";
export { isGroupType, listingSource, matchesFilter } from "./records/listing";
export { readRecord } from "./records/read-record";
export type { SluiceRecord } from "./records/record";
export { ProvenanceSchema, RECORD_STATUSES, SluiceRecordSchema } from "./records/record";
export { planListing } from "./scan/plan-listing";
export type { ScanResult } from "./scan/scan-listing";
export { scanListing } from "./scan/scan-listing";
export { DATA_TYPES, GROUP_TYPES } from "./typing/data-type";
export { inferDataType } from "./typing/infer-type";
