import { z } from "zod";
import { JOB_KINDS } from "./job";

/**
 * Reimports and reconciles that run at once in one deployment, whatever their prefixes. Two jobs on
 * overlapping prefixes never run together (a whole-bucket job runs alone), so this bounds only jobs on
 * disjoint prefixes: a few folders reimported side by side, not a script's loop. Each job's step re-derives
 * up to 8 keys at a time, so 4 jobs mean about 32 objects read at once, which leaves the work queue room for
 * the event-driven work that shares it (`_defaults.json` fan-out, group assemblies) and keeps a laptop's
 * local stack answering.
 */
export const MAX_RUNNING_JOBS = 4;

/**
 * How long a job keeps its place without a step; the callers, which have a clock, turn it into a
 * `leaseUntil` time. Each step renews it; a job whose steps stopped (its message dead-lettered, its
 * function killed) frees its place after this. Longer than the work queue's visibility timeout (30 min:
 * a failed step comes back after it) plus one step (at most 5 min).
 */
export const JOB_LEASE_SECONDS = 40 * 60;

/** A job holding a place among the running jobs. */
export const RunningJobSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  /** The prefix it works on (`""`: the whole bucket); null for a list of keys, which takes no prefix. */
  prefix: z.string().nullable(),
  dryRun: z.boolean(),
  /** Its place is free from this time (ISO 8601) unless a step renews it. */
  expiresAt: z.string(),
});
export type RunningJob = z.infer<typeof RunningJobSchema>;

/** A job asked for while one on an overlapping prefix runs (HTTP 409). */
export class JobRunningError extends Error {
  override readonly name = "JobRunningError";
  readonly retryable = false;
  constructor(
    readonly running: RunningJob,
    readonly prefix: string,
  ) {
    super(
      `a ${running.kind} (${running.id}) is running on ${describePrefix(running.prefix ?? "")}, which overlaps ` +
        `${describePrefix(prefix)}; start this one when it ends (GET /reimports/${running.id})`,
    );
  }
}

/** A job asked for while the deployment already runs MAX_RUNNING_JOBS (HTTP 429). */
export class JobLimitError extends Error {
  override readonly name = "JobLimitError";
  readonly retryable = false;
  constructor(
    readonly running: readonly RunningJob[],
    readonly limit: number,
  ) {
    super(
      `${running.length} reimport or reconcile jobs are running, the most this deployment runs at once ` +
        `(${limit}); start this one when one of them ends`,
    );
  }
}

/** Whether two prefixes share a key: one starts with the other (`""` overlaps every prefix). */
export function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** Whether a job's place has expired at `now` (a place held until T is free at T; ISO times of one precision compare as strings). */
export function isExpired(job: RunningJob, now: string): boolean {
  return job.expiresAt <= now;
}

/**
 * Checks `candidate` against the jobs running (expired places already left out): throws JobRunningError
 * when one works on an overlapping prefix, JobLimitError when `limit` run; answers the registry with it.
 */
export function admit(running: readonly RunningJob[], candidate: RunningJob, limit: number): RunningJob[] {
  const { prefix } = candidate;
  if (prefix !== null) {
    const overlapping = running.find((job) => job.prefix !== null && prefixesOverlap(job.prefix, prefix));
    if (overlapping) throw new JobRunningError(overlapping, prefix);
  }
  if (running.length >= limit) throw new JobLimitError(running, limit);
  return [...running, candidate];
}

function describePrefix(prefix: string): string {
  return prefix === "" ? "the whole bucket" : `"${prefix}"`;
}
