import { createIngestHandler, deps, lazyHandler } from "@sluice/lambda";

/** The ingest queue's consumer: one S3 event per message. */
export const handler = lazyHandler(() => createIngestHandler(deps()));
