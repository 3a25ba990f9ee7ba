import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { releaseAbandonedLease } from "@sluice/aws";
import { EXPORTER_LEASE } from "@sluice/core";
import { createReconcileHandler, type Deps } from "@sluice/lambda";

/** Where the recovery reports: notices for people, and errors. */
export interface RecoveryReport {
  notice(message: string): void;
  error(error: unknown): void;
}

/**
 * Cleans up after the stack that used the data directory before this one, which is gone (the directory is
 * this stack's: data-dir-lock.ts). Its exporter's lease is freed, or the first export would wait it out. When
 * it did not stop cleanly (`abandonedBy`), the data bucket is reconciled as POST /reconcile would, admitted like
 * any job: the queues keep every event whose write S3 acknowledged, but an object stored by a request the kill
 * cut off has no event, and a record write can have been cut half-way.
 */
export async function recoverPreviousRun(
  deps: Deps,
  dynamo: DynamoDBClient,
  abandonedBy: number | null,
  report: RecoveryReport,
): Promise<void> {
  try {
    await releaseAbandonedLease(DynamoDBDocumentClient.from(dynamo), deps.config.tableName, EXPORTER_LEASE);
  } catch (error) {
    report.error(error);
  }
  if (abandonedBy === null) return;
  const previous = `the previous run${abandonedBy > 0 ? ` (pid ${abandonedBy})` : ""} did not stop cleanly`;
  try {
    const started = await createReconcileHandler(deps, "")();
    if ("id" in started)
      report.notice(
        `${previous}: reconciling bucket ${deps.config.dataBucket} (GET /reimports/${started.id})`,
      );
    else
      report.notice(
        `${previous}, and jobs are running on bucket ${deps.config.dataBucket} (${started.jobIds.join(", ")}): ` +
          "POST /reconcile once they end",
      );
  } catch (error) {
    report.error(error);
    report.notice(`${previous}, and its reconcile could not start: POST /reconcile`);
  }
}
