import {
  type Job,
  JobContinuationSchema,
  JobErrorSchema,
  JobSchema,
  type NewJob,
  NewJobSchema,
  PlanEntrySchema,
} from "@sluice/core";
import { z } from "zod";

// A bucket name never starts with `#`, so no record can collide with a job.
/** The main key of a job's item. */
export const jobPk = (id: string) => `#job#${id}`;

// The item keeps the job's fields (core's schemas) with its plan and reconcile counts flattened into numbers,
// so that a step adds to them with one UpdateItem ADD; toJob folds them back into core's Job.
/** A job's item in the records table. */
export const JobItemSchema = NewJobSchema.omit({ id: true }).extend({
  pk: z.string(),
  done: z.number().int(),
  failed: z.number().int(),
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
  continuation: JobContinuationSchema.nullable().optional(),
});
/** A job's item as read. */
export type JobItem = z.infer<typeof JobItemSchema>;

/** The item of a job just created: core's fields checked against NewJobSchema, no progress yet. */
export function newJobItem(job: NewJob): JobItem {
  const { id, ...fields } = NewJobSchema.parse(job);
  return {
    ...fields,
    pk: jobPk(id),
    done: 0,
    failed: 0,
    updatedAt: fields.createdAt,
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
}

/** The job an item holds, checked against core's schema. */
export function toJob(id: string, item: JobItem): Job {
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
  return JobSchema.parse({
    ...rest,
    id,
    ...(continuation === undefined ? {} : { next: continuation }),
    plan: item.dryRun ? { counts, entries: planEntries, truncated: planTruncated } : null,
    reconcile: item.kind === "reconcile" ? reconcile : null,
  });
}
