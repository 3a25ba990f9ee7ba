import { isRetryable } from "../errors";
import type { JobContinuation, JobError } from "./job";
import { finishJob, type JobLease, type JobRegistryDeps, renewJob } from "./job-registry";

/** What the handler of a job's step knows of its delivery. */
export interface JobStepContext {
  /** The step's last delivery before its message is dead-lettered: whatever still fails now is recorded, not retried. */
  lastAttempt: boolean;
  /** The job's place, renewed by each step; absent where none is kept (tests of the steps alone). */
  lease?: JobLease;
}

/**
 * Runs one step of a job: renews the job's place, then the step. A step that fails on its last attempt
 * ends the job `failed` with the error on it (key: what the step was about), rather than leaving it
 * `running` for ever once its message is dead-lettered; the step then answers `ended`.
 */
export async function runJobStep<R>(
  deps: JobRegistryDeps,
  step: { jobId: string; step: number; about: string },
  context: JobStepContext | undefined,
  run: () => Promise<R>,
  ended: R,
): Promise<R> {
  try {
    if (context?.lease) await renewJob(deps, step.jobId, context.lease);
    return await run();
  } catch (error) {
    if (!context?.lastAttempt) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const failure = {
      key: step.about,
      code: "step-failed",
      message: `failed on its last attempt: ${reason}`,
    };
    await deps.jobs.addProgress(step.jobId, {
      step: step.step,
      errors: [failure],
      next: null,
      at: deps.now(),
    });
    await finishJob(deps, step.jobId, "failed");
    return ended;
  }
}

/**
 * The per-key failures of a step's page. A permanent one is recorded at once. A transient one is held
 * while the rest of the page runs, then thrown so that the queue retries the step; on the step's last
 * attempt it is recorded too, so that one key that keeps failing never holds back its page or its job.
 */
export function keyFailures(
  context: JobStepContext | undefined,
  errors: JobError[],
  codeOf: (error: unknown) => string,
) {
  let transient: unknown;
  let held = false;
  return {
    fail(key: string, error: unknown): void {
      if (isRetryable(error) && !context?.lastAttempt) {
        if (!held) transient = error;
        held = true;
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      const message = isRetryable(error) ? `still failing on the last attempt: ${reason}` : reason;
      errors.push({ key, code: codeOf(error), message });
    },
    throwIfAny(): void {
      if (held) throw transient;
    },
  };
}

/**
 * How a job goes on after one of its steps: as this delivery planned (`own`) when its progress counted;
 * for a redelivery of a step counted before, as the delivery that counted it recorded, so that every
 * delivery of a step queues the same next step (two with different cursors would each be counted in turn,
 * pages twice). Undefined when there is nothing to queue: the job has already gone past the next step.
 */
export async function continuationOf(
  deps: JobRegistryDeps,
  step: { jobId: string; step: number },
  counted: boolean,
  own: JobContinuation | null,
): Promise<JobContinuation | null | undefined> {
  if (counted) return own;
  const job = await deps.jobs.getJob(step.jobId);
  if (job === null || job.steps !== step.step + 1) return undefined;
  // A job whose step was counted before continuations were recorded goes on as this delivery planned.
  return job.next === undefined ? own : job.next;
}
