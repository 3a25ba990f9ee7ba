import { encordRoutingEnvironment } from "./encord";
import { eventBus, eventsEnvironment, functionEnvironment } from "./ingest";
import { putEvents, readRecordOverflow, scanPendingExports, writeImports, writeRecords } from "./permissions";
import { exportsBucket, table } from "./storage";

/** Shorter than the exporter's five-minute lease (functions/export.ts), so a run never outlives its lease. */
export const EXPORT_TIMEOUT_SECONDS = 120;

/** The exporter (the outbox), every minute; its lease keeps overlapping runs apart. */
export const exporter = new sst.aws.CronV2("Export", {
  schedule: "rate(1 minute)",
  function: {
    handler: "functions/export.handler",
    runtime: "nodejs22.x",
    timeout: `${EXPORT_TIMEOUT_SECONDS} seconds`,
    memory: "512 MB",
    environment: {
      ...functionEnvironment({ sendsWork: false }),
      ...eventsEnvironment,
      ...encordRoutingEnvironment,
    },
    permissions: [
      ...writeRecords(table, ["GetItem", "BatchGetItem", "PutItem", "UpdateItem"], { query: true }),
      ...scanPendingExports(table),
      ...readRecordOverflow(exportsBucket),
      ...writeImports(exportsBucket),
      ...putEvents(eventBus),
    ],
  },
});
