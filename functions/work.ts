import {
  assembleGroupPage,
  assembleSeriesPage,
  rederivePage,
  runReconcileStep,
  runReimportPage,
  WorkMessageSchema,
} from "@sluice/core";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { type Deps, deps } from "./deps";
import { createSqsBatchHandler } from "./sqs-batch";

/** The work queue's handler: one page of fan-out work per message (a `_defaults.json` change, a reimport step, a group assembly). */
export function createWorkHandler(d: Deps) {
  const handleRecord = async (record: SQSRecord) => {
    const parsed = WorkMessageSchema.safeParse(safeJson(record.body));
    if (!parsed.success) return d.logger.error("unparseable work message", { error: parsed.error.message });
    const message = parsed.data;
    if (message.type === "rederive-prefix") {
      const result = await rederivePage(d.pipeline, message);
      return d.logger.info("page done", { prefix: message.prefix, source: message.source, ...result });
    }
    if (message.type === "assemble-group") {
      const outcome = await assembleGroupPage(d.pipeline, message);
      return d.logger.info("group assembled", { folder: message.folder, outcome });
    }
    if (message.type === "assemble-series") {
      const outcome = await assembleSeriesPage(d.pipeline, message);
      return d.logger.info("series assembled", { seriesUid: message.seriesUid, outcome });
    }
    if (message.type === "reconcile-list" || message.type === "reconcile-records") {
      const result = await runReconcileStep({ ...d.pipeline, jobs: d.jobs }, message);
      return d.logger.info("reconcile step done", { jobId: message.jobId, type: message.type, ...result });
    }
    const result = await runReimportPage({ ...d.pipeline, jobs: d.jobs }, message);
    d.logger.info("reimport step done", {
      jobId: message.jobId,
      type: message.type,
      step: message.step,
      ...result,
    });
  };
  return createSqsBatchHandler(d, handleRecord);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

let work: ReturnType<typeof createWorkHandler> | undefined;
export const handler = (event: SQSEvent, context: Context) => {
  work ??= createWorkHandler(deps());
  return work(event, context);
};
