import { exportPending } from "@sluice/core";
import type { Context } from "aws-lambda";
import type { Deps } from "./deps";
import { ulid } from "./ids";
import { recordImportFiles } from "./publish-exports";

const LEASE_MS = 5 * 60_000;

/** The exporter: on a schedule, writes settled pending records into import files (the outbox). */
export function createExportHandler(d: Deps) {
  return async (_event: unknown, context?: Pick<Context, "awsRequestId">) => {
    const now = Date.now();
    // Each file written is announced even when the run fails after it (`export.written` per file).
    const files = recordImportFiles(d.pipeline.exports, () => new Date().toISOString());
    try {
      const result = await exportPending(
        d.events.enabled ? { ...d.pipeline, exports: files.store } : d.pipeline,
        {
          now: new Date(now).toISOString(),
          settledBefore: new Date(now - d.config.settleSeconds * 1000).toISOString(),
          leaseUntil: new Date(now + LEASE_MS).toISOString(),
          owner: context?.awsRequestId ?? `export-${process.pid}-${now}`,
          newId: () => ulid(Date.now()),
        },
      );
      d.logger.info("export done", { ...result });
      return result;
    } finally {
      d.events.add(files.written);
      await d.events.flush();
      if (d.metrics.hasStoredMetrics()) d.metrics.publishStoredMetrics();
    }
  };
}
