import { settings } from "./settings";

// Buckets outlive `sst remove` in every stage (design.md "Decisions"): they hold user data and import history.
const retained = (args: aws.s3.BucketArgs, opts: $util.CustomResourceOptions) => {
  opts.retainOnDelete = true;
  args.forceDestroy = false;
  return undefined;
};

/** Whether this stack created the data bucket (and so may enable its EventBridge delivery). */
export const dataBucketCreated = settings.existingBucket === null;

/** The data bucket: read-only to Sluice; an existing one is only referenced, never managed. */
export const dataBucket =
  settings.existingBucket === null
    ? new sst.aws.Bucket("Data", { transform: { bucket: retained } })
    : sst.aws.Bucket.get("Data", settings.existingBucket);

/** Sluice's own bucket: `imports/` (import files), `records/` (oversized record payloads), `responses/` (large API answers). */
export const exportsBucket = new sst.aws.Bucket("Exports", {
  // Large API answers are fetched once through a presigned URL; a week is plenty.
  lifecycle: [{ id: "responses", prefix: "responses/", expiresIn: "7 days" }],
  transform: { bucket: retained },
});

/** The records table, with exactly the keys and indexes of `tableDefinition` (packages/aws/src/table.ts). */
export const table = new sst.aws.Dynamo("Records", {
  fields: {
    pk: "string",
    statusPk: "string",
    statusSk: "string",
    pendingPk: "string",
    pendingSk: "string",
  },
  primaryIndex: { hashKey: "pk" },
  globalIndexes: {
    byStatus: { hashKey: "statusPk", rangeKey: "statusSk", projection: "all" },
    pendingExport: { hashKey: "pendingPk", rangeKey: "pendingSk", projection: "all" },
  },
});
