import { TransientError } from "@sluice/core";
import type { Context } from "aws-lambda";

/** Time kept back from the Lambda's remaining time for what follows the batch (events flush, metrics). */
export const DEADLINE_MARGIN_MS = 5_000;

/** A message the batch did not finish before its deadline: retryable, so SQS delivers it again. */
export class DeadlineExceededError extends TransientError {
  override readonly name = "DeadlineExceededError";
}

/** The point by which a batch must answer: `remaining time - margin`, read from the Lambda context. */
export interface BatchDeadline {
  /** Whether the deadline has passed, so that a message not started yet is left for redelivery. */
  passed(): boolean;
  /** Settles with `work`, or rejects with DeadlineExceededError at the deadline if `work` has not settled. */
  race<T>(work: Promise<T>, onLate: (outcome: unknown) => void): Promise<T>;
  /** Clears the timer, so that a finished batch keeps nothing alive. */
  stop(): void;
}

const LATE = Symbol("late");

/**
 * Starts the deadline of one invocation. A message still running at the deadline cannot be stopped
 * (a promise has no cancel), so it is reported failed and its late outcome goes to `onLate`; handlers are
 * idempotent (conditional writes on sequencers), so its redelivery is harmless.
 */
export function startBatchDeadline(context: Context, marginMs = DEADLINE_MARGIN_MS): BatchDeadline {
  // Lambda always passes the clock; a direct call without one (a test's bare context) runs unbounded.
  const remaining: unknown = context?.getRemainingTimeInMillis;
  const budgetMs = () =>
    typeof remaining === "function"
      ? context.getRemainingTimeInMillis() - marginMs
      : Number.POSITIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<typeof LATE>((resolve) => {
    const ms = budgetMs();
    if (Number.isFinite(ms)) timer = setTimeout(() => resolve(LATE), Math.max(0, ms));
  });
  return {
    passed: () => budgetMs() <= 0,
    async race(work, onLate) {
      const first = await Promise.race([work, reached]);
      if (first !== LATE) return first;
      work.then(onLate, onLate);
      throw new DeadlineExceededError("still running at the batch's deadline; it will be delivered again");
    },
    stop: () => clearTimeout(timer),
  };
}
