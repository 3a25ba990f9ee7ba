import { createExportHandler, deps, lazyHandler } from "@sluice/lambda";

/** The exporter, on a schedule. It splits files by Encord folder and queues their deliveries, but never calls Encord: no key. */
export const handler = lazyHandler(() => createExportHandler(deps({ encordKey: "unused" })));
