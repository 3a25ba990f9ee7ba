import { encordEnvironment } from "./encord";
import { functionEnvironment } from "./ingest";
import { readImports, readRecordOverflow, writeRecords } from "./permissions";
import { settings } from "./settings";
import { exportsBucket, table } from "./storage";

/** The delivery poller (functions/deliver.ts), every minute, only when delivery to Encord is configured. */
export const deliverer = settings.encord
  ? new sst.aws.CronV2("Deliver", {
      schedule: "rate(1 minute)",
      function: {
        handler: "functions/deliver.handler",
        runtime: "nodejs22.x",
        // Above the poller's 20 s long poll per open job.
        timeout: "60 seconds",
        memory: "512 MB",
        environment: { ...functionEnvironment({ sendsWork: false }), ...encordEnvironment },
        permissions: [
          ...writeRecords(table, ["GetItem", "BatchGetItem", "PutItem", "UpdateItem"], { query: true }),
          ...readRecordOverflow(exportsBucket),
          ...readImports(exportsBucket),
        ],
      },
    })
  : null;
