import { randomBytes } from "node:crypto";
import { exportPending } from "@sluice/core";
import type { Context } from "aws-lambda";
import { type Deps, deps } from "../packages/lambda/src/deps";
import { recordImportFiles } from "../packages/lambda/src/publish-exports";

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

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base 32, so file names sort by time. */
export function ulid(ms: number): string {
  let time = "";
  for (let t = ms, i = 0; i < 10; i += 1, t = Math.floor(t / 32)) time = (CROCKFORD[t % 32] ?? "0") + time;
  const random = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join("");
  return time + random;
}

let exporter: ReturnType<typeof createExportHandler> | undefined;
export const handler = (event: unknown, context: Context) => {
  // The exporter splits files by Encord folder and queues their deliveries, but never calls Encord: no key.
  exporter ??= createExportHandler(deps({ encordKey: "unused" }));
  return exporter(event, context);
};
