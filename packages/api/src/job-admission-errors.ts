import { JobLimitError, JobRunningError } from "@sluice/core";
import type { Context } from "hono";
import { errorResponse } from "./error-response";

// A job runs for minutes: asking again at once would be refused again.
const SECONDS_BEFORE_JOB_RETRY = "60";

/** One detail of a refused job start: the running job that refused it, by id. */
interface RunningJobDetail {
  path: string;
  message: string;
  jobId: string;
}

/**
 * The answer to a job start that admission refused (part of `toErrorResponse`): 409 `job-running` naming the
 * job on an overlapping prefix, 429 `too-many-jobs` naming the jobs running; null for any other error.
 */
export function jobAdmissionResponse(error: Error, c: Context): Response | null {
  if (error instanceof JobRunningError) {
    const { id, kind, prefix } = error.running;
    const details: RunningJobDetail[] = [
      { path: "prefix", message: `${kind} ${id} runs on "${prefix ?? ""}"`, jobId: id },
    ];
    return errorResponse(c, 409, "job-running", error.message, details);
  }
  if (error instanceof JobLimitError) {
    c.header("Retry-After", SECONDS_BEFORE_JOB_RETRY);
    const details: RunningJobDetail[] = error.running.map(({ id, kind, prefix }) => ({
      path: "",
      message: prefix === null ? `${kind} ${id} of a list of keys` : `${kind} ${id} runs on "${prefix}"`,
      jobId: id,
    }));
    return errorResponse(c, 429, "too-many-jobs", error.message, details);
  }
  return null;
}
