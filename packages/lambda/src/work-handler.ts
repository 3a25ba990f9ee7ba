import { jobLeaseAt, WORK_MAX_RECEIVES } from "@sluice/aws";
import {
  assembleGroupPage,
  assembleSeriesPage,
  type JobStepContext,
  rederivePage,
  runReconcileStep,
  runReimportPage,
  type WorkMessage,
  WorkMessageSchema,
} from "@sluice/core";
import type { SQSRecord } from "aws-lambda";
import type { Deps } from "./deps";
import { createSqsBatchHandler, type SqsBatchOptions, type SqsRecordHandler } from "./sqs-batch";
import { UnparseableMessageError } from "./unparseable-message-error";

/** The work queue's handler: one page of fan-out work per message (a `_defaults.json` change, a reimport step, a group assembly). */
export function createWorkHandler(d: Deps, options: SqsBatchOptions = {}) {
  const handleRecord: SqsRecordHandler = async (record, log) => {
    const parsed = WorkMessageSchema.safeParse(safeJson(record.body));
    if (!parsed.success)
      throw new UnparseableMessageError("unparseable work message", { cause: parsed.error });
    const message = parsed.data;
    // On this message's own logger only (see createSqsBatchHandler): its lines, the failure's included, say what it is about.
    log.appendKeys(logKeysOf(message));
    if (message.type === "rederive-prefix")
      return log.info("page done", { ...(await rederivePage(d.pipeline, message)) });
    if (message.type === "assemble-group")
      return log.info("group assembled", { outcome: await assembleGroupPage(d.pipeline, message) });
    if (message.type === "assemble-series")
      return log.info("series assembled", { outcome: await assembleSeriesPage(d.pipeline, message) });
    const step = jobStepContext(record);
    if (message.type === "reconcile-list" || message.type === "reconcile-records") {
      const result = await runReconcileStep({ ...d.pipeline, jobs: d.jobs }, message, step);
      return log.info("reconcile step done", { ...result });
    }
    const result = await runReimportPage({ ...d.pipeline, jobs: d.jobs }, message, step);
    log.info("reimport step done", { ...result });
  };
  return createSqsBatchHandler(d, handleRecord, options);
}

/** A job step's delivery: whether it is the last before the dead-letter queue, and the job's renewed place. */
function jobStepContext(record: SQSRecord): JobStepContext {
  const receives = Number(record.attributes.ApproximateReceiveCount);
  return { lastAttempt: receives >= WORK_MAX_RECEIVES, lease: jobLeaseAt(Date.now()) };
}

/** What a work message is about, as log keys. */
function logKeysOf(message: WorkMessage): Record<string, unknown> {
  const { type, bucket } = message;
  switch (message.type) {
    case "rederive-prefix":
      return { type, bucket, prefix: message.prefix, source: message.source };
    case "assemble-group":
      return { type, bucket, folder: message.folder };
    case "assemble-series":
      return { type, bucket, folder: message.folder, seriesUid: message.seriesUid };
    default:
      return { type, bucket, jobId: message.jobId, step: message.step };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
