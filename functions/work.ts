import { createWorkHandler, deps, lazyHandler } from "@sluice/lambda";

/** The work queue's consumer: one page of fan-out work per message. */
export const handler = lazyHandler(() => createWorkHandler(deps()));
