import { rederivePage, WorkMessageSchema } from "@sluice/core";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { type Deps, deps } from "./deps";
import { createSqsBatchHandler } from "./sqs-batch";

/** The work queue's handler: one page of fan-out work per message (a `_defaults.json` change). */
export function createWorkHandler(d: Deps) {
  const handleRecord = async (message: SQSRecord) => {
    const parsed = WorkMessageSchema.safeParse(safeJson(message.body));
    if (!parsed.success) return d.logger.error("unparseable work message", { error: parsed.error.message });
    const result = await rederivePage(d.pipeline, parsed.data);
    d.logger.info("page done", { prefix: parsed.data.prefix, source: parsed.data.source, ...result });
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
