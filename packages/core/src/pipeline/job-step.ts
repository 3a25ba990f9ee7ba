import { isRetryable } from "../errors";
import type { JobError } from "../job";
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
    await deps.jobs.addProgress(step.jobId, { step: step.step, errors: [failure], at: deps.now() });
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
