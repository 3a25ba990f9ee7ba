import { runDeliveries } from "@sluice/core";
import type { Context } from "aws-lambda";
import type { Deps } from "./deps";

/** Seconds one long poll may hold a scheduled run (Encord caps a poll near 60 s; the function's timeout is above it). */
export const DELIVERY_POLL_SECONDS = 20;
/**
 * Kept back from the Lambda's remaining time: a poll's round trip beyond its wait, and the writes after
 * the last poll (an item id or unit error per record of a finished file, then the delivery itself).
 */
export const DELIVERY_MARGIN_MS = 15_000;
/** A run's time when no Lambda context counts it (the local stack): the stack's 60 s timeout. */
export const DELIVERY_BUDGET_MS = 60_000;

/** How long the poller's polls and runs may take. */
export interface DeliveryTiming {
  pollSeconds?: number;
  marginMs?: number;
  /** The run's time when it is called without a Lambda context. */
  budgetMs?: number;
}

/**
 * The delivery poller (design.md "Delivery to Encord"): on a schedule in AWS and periodically in the
 * local stack, starts the next job per Encord folder and follows running ones to their end, until the
 * Lambda's remaining time less a margin is used; what it did not reach waits for the next run.
 */
export function createDeliveryHandler(d: Deps, timing: DeliveryTiming = {}) {
  const pollSeconds = timing.pollSeconds ?? DELIVERY_POLL_SECONDS;
  const marginMs = timing.marginMs ?? DELIVERY_MARGIN_MS;
  return async (_event?: unknown, context?: Pick<Context, "getRemainingTimeInMillis">) => {
    const { deliveries } = d.pipeline;
    if (d.encord === null || deliveries === undefined) return null;
    const remaining = context
      ? () => context.getRemainingTimeInMillis()
      : countdown(timing.budgetMs ?? DELIVERY_BUDGET_MS);
    const remainingMs = () => remaining() - marginMs;
    const encord = await d.encord();
    const result = await runDeliveries({ ...d.pipeline, deliveries, encord }, { pollSeconds, remainingMs });
    const { started, restarted, finished, outOfTime } = result;
    if (started.length + restarted.length + finished.length > 0 || outOfTime)
      d.logger.info("deliveries", { ...result });
    return result;
  };
}

function countdown(ms: number): () => number {
  const deadline = Date.now() + ms;
  return () => deadline - Date.now();
}
