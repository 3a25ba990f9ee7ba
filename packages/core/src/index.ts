export * from "./bytes/byte-source";
export * from "./bytes/caching-byte-source";
export { HEAD_BYTES } from "./bytes/head-bytes";
export type { ObjectReader, OpenedObject } from "./bytes/opened-object";
export * from "./delivery/deliver";
export * from "./delivery/delivery";
export * from "./delivery/outbound-events";
export * from "./errors";
export * from "./export/describe-imports";
export * from "./export/export-pending";
export * from "./for-each-concurrently";
export * from "./group-by";
export * from "./groups/assemble-group";
export * from "./groups/assemble-series";
export * from "./groups/group-manifest";
export * from "./groups/group-result";
export * from "./groups/natural-sort";
export {
  type AdhocImportFile,
  type AdhocImportFilter,
  MAX_ADHOC_KEYS,
  writeAdhocImports,
} from "./imports/ad-hoc-imports";
export * from "./imports/build";
export * from "./imports/counts";
export * from "./imports/encord-folders";
export * from "./imports/encord-namespace";
export * from "./imports/entry";
export * from "./imports/format";
export * from "./imports/split";
export * from "./imports/title";
export * from "./issues";
export * from "./jobs/job";
export * from "./jobs/job-admission";
export * from "./jobs/job-registry";
export * from "./jobs/job-step";
export * from "./jobs/work-message";
export * from "./json";
export * from "./keys/classify-key";
export * from "./keys/object-url";
export * from "./keys/sequencer";
export { inferBucketSchema, MAX_INFER_KEYS } from "./metadata/infer-bucket-schema";
export * from "./metadata/infer-schema";
export * from "./metadata/merge";
export * from "./metadata/schema";
export * from "./metadata/schema-diff";
export { pushSchema, type SchemaPushResult, setSchema } from "./metadata/set-schema";
export * from "./metadata/sidecar";
export * from "./metadata/validate";
export * from "./pipeline/assemble-pipeline";
export { eventsOfDerivation } from "./pipeline/derivation-events";
export * from "./pipeline/derive-and-store";
export * from "./pipeline/ingest-event";
export * from "./pipeline/pipeline-deps";
export * from "./pipeline/reconcile";
export { redriveDeadLetters } from "./pipeline/redrive-dead-letters";
export * from "./pipeline/rederive-page";
export * from "./pipeline/reimport";
export * from "./pipeline/reimport-start";
export * from "./pipeline/storage-event";
export * from "./pipeline/with-groups";
export type {
  DeadLetterMessage,
  DeadLetterPage,
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
export type { ListedObject, ObjectInfo, ObjectStore } from "./ports/object-store";
export type { RecordStore, StoredRecord } from "./ports/record-store";
export type { SchemaStore } from "./ports/schema-store";
export type { WorkQueue } from "./ports/work-queue";
export * from "./probes/probe-media";
export * from "./probes/probe-types";
export * from "./records/changes";
export * from "./records/derive";
export { EDIT_ATTEMPTS, editMetadata, type MetadataEditMode } from "./records/edit-metadata";
export { listRecords, scanRecords } from "./records/list-records";
export * from "./records/listing";
export * from "./records/media-metadata";
export { readRecord } from "./records/read-record";
export * from "./records/record";
export * from "./scan/plan-listing";
export * from "./scan/scan-listing";
export * from "./typing/data-type";
export * from "./typing/infer-type";
