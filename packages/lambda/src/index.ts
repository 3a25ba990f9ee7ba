export { apiDeps, createApiDeps } from "./api-deps";
export { createDeliveryHandler, DELIVERY_MARGIN_MS, type DeliveryTiming } from "./delivery-handler";
export { type Clients, createAwsClients, createDeps, type Deps, deps } from "./deps";
export { createExportHandler } from "./export-handler";
export { createIngestHandler } from "./ingest-handler";
export { lazyHandler } from "./lazy-handler";
export { createReconcileHandler } from "./reconcile-handler";
export type { SqsBatchOptions } from "./sqs-batch";
export { createWorkHandler } from "./work-handler";
