import { z } from "zod";

/** Where a job is: statuses only move forward (`failed` from any but `done`). */
export const JOB_STATUSES = ["queued", "counting", "running", "done", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What a dry run would do to one key; `missing`: no object answers under it, so there is nothing to import. */
export const PLAN_ACTIONS = ["create", "update", "unchanged", "invalid", "missing"] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** The errors a job keeps; later ones are counted in `failed` but not listed. */
export const MAX_JOB_ERRORS = 100;

/**
 * The per-key plan entries a job item keeps: the counts stay exact beyond it, but a longer list would
 * need the exports bucket (a DynamoDB item stops at 400 KB).
 */
export const MAX_PLAN_ENTRIES = 1_000;

/** One key a job could not process. */
export const JobErrorSchema = z.object({ key: z.string(), code: z.string(), message: z.string() });
export type JobError = z.infer<typeof JobErrorSchema>;

/** The changed fields a plan entry names; the rest are counted in `moreChanges` (a job item stops at 400 KB). */
export const MAX_PLAN_CHANGES = 20;

/** One key of a dry run's plan. */
export const PlanEntrySchema = z.object({
  key: z.string(),
  action: z.enum(PLAN_ACTIONS),
  changes: z
    .array(z.string())
    .optional()
    .describe(
      "the fields the reimport would change of the stored record, e.g. `clientMetadata.site`, `mediaMetadata.fps`, `status`",
    ),
  moreChanges: z.number().int().optional().describe("changed fields beyond those named"),
});
export type PlanEntry = z.infer<typeof PlanEntrySchema>;

/** A dry run's plan: exact counts per action and the first MAX_PLAN_ENTRIES keys (`truncated`: more were left out). */
export const JobPlanSchema = z.object({
  counts: z.object({
    create: z.number(),
    update: z.number(),
    unchanged: z.number(),
    invalid: z.number(),
    missing: z.number().describe("keys no object answers under: nothing to import"),
  }),
  entries: z.array(PlanEntrySchema),
  truncated: z.boolean(),
});
export type JobPlan = z.infer<typeof JobPlanSchema>;

/**
 * What a reconcile found (design.md "HTTP API", `POST /reconcile`): each count is of keys repaired or checked,
 * and the job's `total` is their sum, so that `done` never passes it.
 */
export const ReconcileCountsSchema = z
  .object({
    /** Objects (and group manifests) listed without a live record: recorded (assembled) now. */
    missing: z.number(),
    /** Objects whose record has another ETag, or an older view of its sidecar: re-derived. */
    stale: z.number(),
    /** Live records of objects that are gone: tombstoned. */
    orphaned: z.number(),
    /** Objects (and group manifests) whose record matched. */
    matched: z.number(),
  })
  .describe("a reconcile's counts: records created, re-derived, tombstoned, and checked alike");
export type ReconcileCounts = z.infer<typeof ReconcileCountsSchema>;

/** The kinds of job: reimports and reconciles share the job item and `GET /reimports/{id}`. */
export const JOB_KINDS = ["reimport", "reconcile"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** A reimport or reconcile job as created; `prefix` is null for a list of keys. */
export const NewJobSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  status: z.enum(JOB_STATUSES),
  total: z.number().int(),
  mode: z.enum(["merge", "overwrite"]),
  dryRun: z.boolean(),
  force: z.boolean(),
  prefix: z.string().nullable(),
  createdAt: z.string(),
});
export type NewJob = z.infer<typeof NewJobSchema>;

/** The work messages that are steps of a job. */
export const JOB_STEP_TYPES = [
  "reimport-count",
  "reimport-page",
  "reconcile-list",
  "reconcile-records",
] as const;

/** Where a job goes on after a step: the next step's message type and cursor. */
export const JobContinuationSchema = z.object({
  type: z.enum(JOB_STEP_TYPES),
  cursor: z.string().nullable(),
});
export type JobContinuation = z.infer<typeof JobContinuationSchema>;

/** A job item as stored, with its progress. */
export const JobSchema = NewJobSchema.extend({
  done: z.number().int(),
  failed: z.number().int(),
  errors: z.array(JobErrorSchema),
  /** Present for dry runs. */
  plan: JobPlanSchema.nullable(),
  /** Present for reconciles. */
  reconcile: ReconcileCountsSchema.nullable(),
  /** How many steps (work messages) have been counted; a redelivered step is not counted twice. */
  steps: z.number().int(),
  /**
   * The step that follows the last one counted, as the delivery that counted it queued it (null: the job
   * ended with it); absent before any step was counted. A redelivery of that step queues this one rather
   * than its own: its listing may have changed since, and a second, different next step would count pages twice.
   */
  next: JobContinuationSchema.nullable().optional(),
  updatedAt: z.string(),
});
export type Job = z.infer<typeof JobSchema>;

/** What one step of a job adds: counters are added, errors and plan entries appended (bounded). */
export interface JobProgress {
  /** The step's number: progress is counted only when it is the next step of the job. */
  step: number;
  total?: number;
  done?: number;
  failed?: number;
  errors?: readonly JobError[];
  plan?: readonly PlanEntry[];
  reconcile?: Partial<ReconcileCounts>;
  /** The step queued after this one (null: the job ends with it), recorded with the count (see Job.next). */
  next?: JobContinuation | null;
  at: string;
}
