import { createDeliveryHandler, deps, lazyHandler } from "@sluice/lambda";

/** The delivery poller, every minute while delivery to Encord is configured. */
export const handler = lazyHandler(() => createDeliveryHandler(deps()));
