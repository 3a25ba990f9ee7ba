import { newJobIds } from "@sluice/aws";
import { JobLimitError, JobRunningError, startReconcile } from "@sluice/core";
import type { Deps } from "./deps";
import { ulid } from "./ids";

/**
 * The scheduled reconcile (design.md "Data flow" step 8): starts a job that compares the data
 * bucket under `RECONCILE_PREFIX` with the records and repairs what dropped events left behind.
 * It is admitted like any job: while one runs on an overlapping prefix, or the deployment runs its
 * most jobs, this run is skipped (a log line says which jobs) and the next schedule tries again.
 */
export function createReconcileHandler(d: Deps, prefix: string) {
  return async () => {
    const now = Date.now();
    const ids = newJobIds(ulid(now), now);
    try {
      const started = await startReconcile({ ...d.pipeline, jobs: d.jobs }, prefix, ids);
      d.logger.info("reconcile started", { jobId: started.id, prefix });
      return started;
    } catch (error) {
      if (!(error instanceof JobRunningError || error instanceof JobLimitError)) throw error;
      const running = error instanceof JobRunningError ? [error.running] : error.running;
      const jobIds = running.map((job) => job.id);
      d.logger.info("reconcile skipped: jobs are running", { prefix, jobIds, reason: error.message });
      return { skipped: true as const, jobIds };
    }
  };
}
