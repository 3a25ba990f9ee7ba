import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  JOB_STATUSES,
  JOB_STEP_TYPES,
  type Job,
  type JobStatus,
  type JobStore,
  MAX_JOB_ERRORS,
  MAX_PLAN_ENTRIES,
  NotFoundError,
  PLAN_ACTIONS,
  type PlanEntry,
} from "@sluice/core";
import { z } from "zod";
import { callDynamo, isConditionFailed, toDynamoError } from "./dynamo-errors";
import { createRunningJobs } from "./running-jobs";

// A bucket name never starts with `#`, so no record can collide with a job.
const jobPk = (id: string) => `#job#${id}`;

/** Bytes of plan keys and changed fields an item keeps, with the entry cap, so that it stays far under 400 KB. */
const MAX_PLAN_KEY_BYTES = 200_000;
const MAX_ERROR_MESSAGE_CHARS = 500;

const JobErrorSchema = z.object({ key: z.string(), code: z.string(), message: z.string() });
const PlanEntrySchema = z.object({
  key: z.string(),
  action: z.enum(PLAN_ACTIONS),
  changes: z.array(z.string()).optional(),
  moreChanges: z.number().int().optional(),
});
const ContinuationSchema = z.object({
  type: z.enum(JOB_STEP_TYPES),
  cursor: z.string().nullable(),
});

const JobItemSchema = z.object({
  pk: z.string(),
  kind: z.enum(["reimport", "reconcile"]),
  status: z.enum(JOB_STATUSES),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  mode: z.enum(["merge", "overwrite"]),
  dryRun: z.boolean(),
  force: z.boolean(),
  prefix: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  steps: z.number().int(),
  errors: z.array(JobErrorSchema),
  planCreate: z.number().int(),
  planUpdate: z.number().int(),
  planUnchanged: z.number().int(),
  planInvalid: z.number().int(),
  // Items of jobs created before `missing` existed have none: 0.
  planMissing: z.number().int().default(0),
  planEntries: z.array(PlanEntrySchema),
  planTruncated: z.boolean(),
  // Items of jobs created before reconciles existed have none: 0.
  reconcileMissing: z.number().int().default(0),
  reconcileStale: z.number().int().default(0),
  reconcileOrphaned: z.number().int().default(0),
  reconcileMatched: z.number().int().default(0),
  // Absent until a step records where the job goes on (items of older jobs: never).
  continuation: ContinuationSchema.nullable().optional(),
});
type JobItem = z.infer<typeof JobItemSchema>;

/** Creates the job store: one item per job (`pk = #job#<id>`) and the running-jobs registry, in the records table. */
export function createJobStore(doc: DynamoDBDocumentClient, tableName: string): JobStore {
  async function readItem(id: string): Promise<JobItem | null> {
    const read = new GetCommand({ TableName: tableName, Key: { pk: jobPk(id) }, ConsistentRead: true });
    const item: unknown = (await callDynamo(`GetItem ${jobPk(id)}`, () => doc.send(read))).Item;
    return item === undefined ? null : JobItemSchema.parse(item);
  }

  return {
    async createJob(job) {
      const { id, ...fields } = job;
      const item: JobItem = {
        ...fields,
        pk: jobPk(id),
        done: 0,
        failed: 0,
        updatedAt: job.createdAt,
        steps: 0,
        errors: [],
        planCreate: 0,
        planUpdate: 0,
        planUnchanged: 0,
        planInvalid: 0,
        planMissing: 0,
        planEntries: [],
        planTruncated: false,
        reconcileMissing: 0,
        reconcileStale: 0,
        reconcileOrphaned: 0,
        reconcileMatched: 0,
      };
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

function toJob(id: string, item: JobItem): Job {
  const {
    pk: _pk,
    planCreate,
    planUpdate,
    planUnchanged,
    planInvalid,
    planMissing,
    planEntries,
    planTruncated,
    continuation,
    reconcileMissing,
    reconcileStale,
    reconcileOrphaned,
    reconcileMatched,
    ...rest
  } = item;
  const counts = {
    create: planCreate,
    update: planUpdate,
    unchanged: planUnchanged,
    invalid: planInvalid,
    missing: planMissing,
  };
  const reconcile = {
    missing: reconcileMissing,
    stale: reconcileStale,
    orphaned: reconcileOrphaned,
    matched: reconcileMatched,
  };
  return {
    ...rest,
    id,
    ...(continuation === undefined ? {} : { next: continuation }),
    plan: item.dryRun ? { counts, entries: planEntries, truncated: planTruncated } : null,
    reconcile: item.kind === "reconcile" ? reconcile : null,
  };
}
