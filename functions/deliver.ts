import { runDeliveries } from "@sluice/core";
import { type Deps, deps } from "./deps";

/** Seconds one long poll may hold a scheduled run (Encord caps a poll near 60 s; the function's timeout is above it). */
export const DELIVERY_POLL_SECONDS = 20;

/**
 * The delivery poller (design.md "Delivery to Encord"): on a schedule in AWS and periodically in the
 * local stack, starts the next job per Encord folder and follows running ones to their end.
 */
export function createDeliveryHandler(d: Deps, pollSeconds = DELIVERY_POLL_SECONDS) {
  return async () => {
    const { deliveries } = d.pipeline;
    if (d.encord === null || deliveries === undefined) return null;
    const result = await runDeliveries({ ...d.pipeline, deliveries, encord: await d.encord() }, pollSeconds);
    if (result.started.length + result.restarted.length + result.finished.length > 0)
      d.logger.info("deliveries", { ...result });
    return result;
  };
}

let deliver: ReturnType<typeof createDeliveryHandler> | undefined;
export const handler = () => {
  deliver ??= createDeliveryHandler(deps());
  return deliver();
};
