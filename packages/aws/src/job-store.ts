import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  type JobStatus,
  type JobStore,
  MAX_JOB_ERRORS,
  MAX_PLAN_ENTRIES,
  NotFoundError,
  type PlanEntry,
} from "@sluice/core";
import { callDynamo, isConditionFailed, toDynamoError } from "./dynamo-errors";
import { type JobItem, JobItemSchema, jobPk, newJobItem, toJob } from "./job-item";
import { createRunningJobs } from "./running-jobs";

/** Bytes of plan keys and changed fields an item keeps, with the entry cap, so that it stays far under 400 KB. */
const MAX_PLAN_KEY_BYTES = 200_000;
const MAX_ERROR_MESSAGE_CHARS = 500;

/** Creates the job store: one item per job (`pk = #job#<id>`) and the running-jobs registry, in the records table. */
export function createJobStore(doc: DynamoDBDocumentClient, tableName: string): JobStore {
  async function readItem(id: string): Promise<JobItem | null> {
    const read = new GetCommand({ TableName: tableName, Key: { pk: jobPk(id) }, ConsistentRead: true });
    const item: unknown = (await callDynamo(`GetItem ${jobPk(id)}`, () => doc.send(read))).Item;
    return item === undefined ? null : JobItemSchema.parse(item);
  }

  return {
    async createJob(job) {
      const item = newJobItem(job);
      const write = new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(pk)",
      });
      await callDynamo(`PutItem ${item.pk}`, () => doc.send(write));
    },

    async getJob(id) {
      const item = await readItem(id);
      return item === null ? null : toJob(id, item);
    },

    async addProgress(id, progress) {
      const item = await readItem(id);
      if (item === null) throw new NotFoundError(`no job "${id}"`);
      if (item.steps !== progress.step) return false;
      const errors = (progress.errors ?? [])
        .slice(0, Math.max(0, MAX_JOB_ERRORS - item.errors.length))
        .map((found) => ({ ...found, message: found.message.slice(0, MAX_ERROR_MESSAGE_CHARS) }));
      const plan = progress.plan ?? [];
      const entries = fitting(item.planEntries, plan);
      const count = (action: PlanEntry["action"]) => plan.filter((entry) => entry.action === action).length;
      // The step condition makes the read above safe: no other delivery can add between read and write.
      const update = new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk },
        UpdateExpression:
          "SET #steps = :next, updatedAt = :at, #errors = list_append(#errors, :errors), " +
          "planEntries = list_append(planEntries, :entries), planTruncated = :truncated, " +
          "#continuation = :continuation " +
          "ADD #total :total, #done :done, #failed :failed, " +
          "planCreate :create, planUpdate :update, planUnchanged :unchanged, planInvalid :invalid, " +
          "planMissing :missingKeys, " +
          "reconcileMissing :missing, reconcileStale :stale, reconcileOrphaned :orphaned, reconcileMatched :matched",
        ConditionExpression: "#steps = :step",
        ExpressionAttributeNames: {
          "#steps": "steps",
          "#errors": "errors",
          "#total": "total",
          "#done": "done",
          "#failed": "failed",
          "#continuation": "continuation",
        },
        ExpressionAttributeValues: {
          ":step": progress.step,
          ":next": progress.step + 1,
          ":at": progress.at,
          ":errors": errors,
          ":entries": entries,
          ":truncated": item.planTruncated || entries.length < plan.length,
          ":total": progress.total ?? 0,
          ":done": progress.done ?? 0,
          ":failed": progress.failed ?? 0,
          ":create": count("create"),
          ":update": count("update"),
          ":unchanged": count("unchanged"),
          ":invalid": count("invalid"),
          ":missingKeys": count("missing"),
          ":continuation": progress.next ?? null,
          ":missing": progress.reconcile?.missing ?? 0,
          ":stale": progress.reconcile?.stale ?? 0,
          ":orphaned": progress.reconcile?.orphaned ?? 0,
          ":matched": progress.reconcile?.matched ?? 0,
        },
      });
      try {
        await doc.send(update);
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw toDynamoError(error, `UpdateItem ${item.pk}`);
      }
    },

    async setStatus(id, status, at) {
      const from = earlierThan(status);
      if (from.length === 0) return false;
      const names = from.map((_, i) => `:from${i}`);
      const update = new UpdateCommand({
        TableName: tableName,
        Key: { pk: jobPk(id) },
        UpdateExpression: "SET #status = :status, updatedAt = :at",
        ConditionExpression: `attribute_exists(pk) AND #status IN (${names.join(", ")})`,
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":status": status,
          ":at": at,
          ...Object.fromEntries(from.map((value, i) => [names[i], value])),
        },
      });
      try {
        await doc.send(update);
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw toDynamoError(error, `UpdateItem ${jobPk(id)}`);
      }
    },

    ...createRunningJobs(doc, tableName),
  };
}

/** The statuses a job may move to `status` from: forward only, and `failed` from any unfinished one. */
function earlierThan(status: JobStatus): JobStatus[] {
  const order: JobStatus[] = ["queued", "counting", "running", "done"];
  if (status === "failed") return ["queued", "counting", "running"];
  return order.slice(0, order.indexOf(status));
}

/** The entries of `added` that still fit in the item, in order. */
function fitting(kept: readonly PlanEntry[], added: readonly PlanEntry[]): PlanEntry[] {
  let bytes = kept.reduce((sum, entry) => sum + entryBytes(entry), 0);
  const room = Math.max(0, MAX_PLAN_ENTRIES - kept.length);
  const fits: PlanEntry[] = [];
  for (const entry of added.slice(0, room)) {
    bytes += entryBytes(entry);
    if (bytes > MAX_PLAN_KEY_BYTES) break;
    fits.push(entry);
  }
  return fits;
}

/** The bytes of a plan entry's key and changed fields. */
function entryBytes(entry: PlanEntry): number {
  const changes = entry.changes ?? [];
  return changes.reduce(
    (sum, field) => sum + Buffer.byteLength(field, "utf8"),
    Buffer.byteLength(entry.key, "utf8"),
  );
}
