import { settings } from "./settings";

// Buckets outlive `sst remove` in every stage (design.md "Decisions"): they hold user data and import history.
// So do the settings that protect them (HTTPS-only policy, public access block) and that readers rely on.
const retainedBucket = (args: aws.s3.BucketArgs, opts: $util.CustomResourceOptions) => {
  opts.retainOnDelete = true;
  args.forceDestroy = false;
  return undefined;
};
const retainedSetting = (_args: unknown, opts: $util.CustomResourceOptions) => {
  opts.retainOnDelete = true;
  return undefined;
};
const retained = {
  bucket: retainedBucket,
  policy: retainedSetting,
  publicAccessBlock: retainedSetting,
  cors: retainedSetting,
  lifecycle: retainedSetting,
};

/**
 * Encord's web app fetches data objects from the browser (README "Encord side"): read-only, from Encord's origins.
 * SST's default would allow every origin to PUT, POST and DELETE.
 */
export const ENCORD_CORS = {
  allowOrigins: ["https://app.encord.com", "https://app.us.encord.com"],
  allowMethods: ["GET", "HEAD"] as ("GET" | "HEAD")[],
  allowHeaders: ["*"],
  exposeHeaders: ["ETag"],
  maxAge: "1 hour" as const,
};

/** Whether this stack created the data bucket (and so may enable its EventBridge delivery). */
export const dataBucketCreated = settings.existingBucket === null;

/** The data bucket: read-only to Sluice; an existing one is only referenced, never managed. */
export const dataBucket =
  settings.existingBucket === null
    ? new sst.aws.Bucket("Data", { cors: ENCORD_CORS, transform: retained })
    : sst.aws.Bucket.get("Data", settings.existingBucket);

/** Sluice's own bucket: `imports/` (import files), `records/` (oversized record payloads), `responses/` (large API answers). */
export const exportsBucket = new sst.aws.Bucket("Exports", {
  // Nothing reads it from a browser: presigned answers are fetched by curl and scripts.
  cors: false,
  // Large API answers are fetched once through a presigned URL; a week is plenty.
  lifecycle: [{ id: "responses", prefix: "responses/", expiresIn: "7 days" }],
  transform: retained,
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
  // It holds what the bucket cannot rebuild (API edits, Encord item ids, delivery state, jobs): kept on
  // `sst remove` in every stage (the app's `removal: "retain"`), and AWS refuses to delete it while protected.
  deletionProtection: true,
});
