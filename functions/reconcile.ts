import { reimportSequencer } from "@sluice/api";
import { startReconcile } from "@sluice/core";
import { type Deps, deps } from "./deps";
import { ulid } from "./export";

/**
 * The scheduled reconcile (design.md "Data flow" step 8): starts a job that compares the data
 * bucket under `RECONCILE_PREFIX` with the records and repairs what dropped events left behind.
 */
export function createReconcileHandler(d: Deps, prefix: string) {
  return async () => {
    const ids = { id: ulid(Date.now()), sequencer: reimportSequencer(Date.now()) };
    const started = await startReconcile({ ...d.pipeline, jobs: d.jobs }, prefix, ids);
    d.logger.info("reconcile started", { jobId: started.id, prefix });
    return started;
  };
}

let reconcile: ReturnType<typeof createReconcileHandler> | undefined;
export const handler = () => {
  reconcile ??= createReconcileHandler(deps(), process.env.RECONCILE_PREFIX ?? "");
  return reconcile();
};
