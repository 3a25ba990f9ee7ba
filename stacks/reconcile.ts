import { functionEnvironment, workQueue } from "./ingest";
import { sendWork, writeRecords } from "./permissions";
import { settings } from "./settings";
import { table } from "./storage";

/**
 * The scheduled reconcile (design.md "HTTP API", `POST /reconcile`): events for speed, this for
 * certainty. It only starts a job; the work function lists the bucket and the records page by page.
 */
export const reconciler = new sst.aws.CronV2("Reconcile", {
  schedule: settings.reconcileSchedule,
  function: {
    handler: "functions/reconcile.handler",
    runtime: "nodejs22.x",
    timeout: "30 seconds",
    memory: "256 MB",
    environment: { ...functionEnvironment({ sendsWork: true }), RECONCILE_PREFIX: settings.keyPrefix ?? "" },
    permissions: [...writeRecords(table, ["GetItem", "PutItem"]), ...sendWork(workQueue)],
  },
});
