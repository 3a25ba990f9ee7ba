import { TransientError } from "../errors";
import type { JobStore } from "../ports/job-store";
import type { JobStatus } from "./job";
import { admit, isExpired, MAX_RUNNING_JOBS, type RunningJob } from "./job-admission";

/** What the running-jobs registry works through. */
export interface JobRegistryDeps {
  jobs: JobStore;
  /** ISO 8601 time now. */
  now(): string;
}

/** A job's place, as a step renews it: until `until`, rewritten only once it would expire before `renewBefore`. */
export interface JobLease {
  until: string;
  renewBefore: string;
}

// Writers of the registry are job starts, ends and renewals: a few a minute. Each lost race is re-read.
const WRITE_ATTEMPTS = 10;

/**
 * Takes a place for a new job among the running ones (design: whole-bucket work is admitted, not just
 * accepted): throws JobRunningError when a running job's prefix overlaps its own, JobLimitError when
 * `limit` jobs run. Places that expired, or whose job ended without freeing its place, are dropped first.
 */
export async function admitJob(
  deps: JobRegistryDeps,
  candidate: RunningJob,
  limit = MAX_RUNNING_JOBS,
): Promise<void> {
  await updateRegistry(deps, async (jobs) => admit(await stillRunning(deps, jobs), candidate, limit));
}

/** Frees a job's place (it ended, or it never started); freeing a place that is not held does nothing. */
export async function releaseJob(deps: JobRegistryDeps, id: string): Promise<void> {
  await updateRegistry(deps, async (jobs) =>
    jobs.some((job) => job.id === id) ? jobs.filter((job) => job.id !== id) : null,
  );
}

/**
 * Renews a job's place at one of its steps, so that only a job whose steps stopped loses it. A place lost
 * meanwhile (expired while the step waited in the queue) is taken again, past the admission rules: the job
 * runs whatever they say. A job that ended (a redelivered last step) takes none.
 */
export async function renewJob(deps: JobRegistryDeps, id: string, lease: JobLease): Promise<void> {
  await updateRegistry(deps, async (jobs) => {
    const held = jobs.find((job) => job.id === id);
    if (held) {
      if (held.expiresAt >= lease.renewBefore) return null;
      return jobs.map((job) => (job.id === id ? { ...job, expiresAt: lease.until } : job));
    }
    const job = await deps.jobs.getJob(id);
    if (job === null || hasEnded(job.status)) return null;
    const { kind, prefix, dryRun } = job;
    return [...jobs, { id, kind, prefix, dryRun, expiresAt: lease.until }];
  });
}

/** Ends a job (`done` or `failed`) and frees its place. */
export async function finishJob(
  deps: JobRegistryDeps,
  id: string,
  status: Extract<JobStatus, "done" | "failed">,
): Promise<void> {
  await deps.jobs.setStatus(id, status, deps.now());
  await releaseJob(deps, id);
}

/** The places still held: not expired, and of jobs that have not ended (an end whose release was lost). */
async function stillRunning(deps: JobRegistryDeps, jobs: readonly RunningJob[]): Promise<RunningJob[]> {
  const now = deps.now();
  const live = jobs.filter((job) => !isExpired(job, now));
  const ended = await Promise.all(
    live.map(async (job) => {
      const stored = await deps.jobs.getJob(job.id);
      // A place taken just before its job item is written has none yet: it stays until it expires.
      return stored !== null && hasEnded(stored.status);
    }),
  );
  return live.filter((_, i) => !ended[i]);
}

/**
 * Reads the registry, applies `change` (null: nothing to write) and writes it back if no one wrote it
 * meanwhile, else starts again; expired places are dropped on every write.
 */
async function updateRegistry(
  deps: JobRegistryDeps,
  change: (jobs: RunningJob[]) => Promise<RunningJob[] | null>,
): Promise<void> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
    const { jobs, version } = await deps.jobs.readRunningJobs();
    const next = await change(jobs);
    if (next === null) return;
    const now = deps.now();
    if (
      await deps.jobs.writeRunningJobs(
        next.filter((job) => !isExpired(job, now)),
        version,
      )
    )
      return;
  }
  throw new TransientError(`the running-jobs registry changed on each of ${WRITE_ATTEMPTS} attempts`);
}

function hasEnded(status: JobStatus): boolean {
  return status === "done" || status === "failed";
}
