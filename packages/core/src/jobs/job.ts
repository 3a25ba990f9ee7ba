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
export interface JobError {
  key: string;
  code: string;
  message: string;
}

/** The changed fields a plan entry names; the rest are counted in `moreChanges` (a job item stops at 400 KB). */
export const MAX_PLAN_CHANGES = 20;

/** One key of a dry run's plan. */
export interface PlanEntry {
  key: string;
  action: PlanAction;
  /** The fields the reimport would change of the stored record (`clientMetadata.site`, `status`), when it would. */
  changes?: string[];
  /** Changed fields beyond the MAX_PLAN_CHANGES named in `changes`. */
  moreChanges?: number;
}

/** A dry run's plan: exact counts per action and the first MAX_PLAN_ENTRIES keys. */
export interface JobPlan {
  counts: Record<PlanAction, number>;
  entries: PlanEntry[];
  /** Whether entries were left out because of MAX_PLAN_ENTRIES. */
  truncated: boolean;
}

/**
 * What a reconcile found (design.md "HTTP API", `POST /reconcile`): each count is of keys repaired or checked,
 * and the job's `total` is their sum, so that `done` never passes it.
 */
export interface ReconcileCounts {
  /** Objects (and group manifests) listed without a live record: recorded (assembled) now. */
  missing: number;
  /** Objects whose record has another ETag, or an older view of its sidecar: re-derived. */
  stale: number;
  /** Live records of objects that are gone: tombstoned. */
  orphaned: number;
  /** Objects (and group manifests) whose record matched. */
  matched: number;
}

/** The kinds of job: reimports and reconciles share the job item and `GET /reimports/{id}`. */
export type JobKind = "reimport" | "reconcile";

/** A reimport or reconcile job as created. */
export interface NewJob {
  id: string;
  kind: JobKind;
  status: JobStatus;
  total: number;
  mode: "merge" | "overwrite";
  dryRun: boolean;
  force: boolean;
  /** The prefix reimported, or null for a list of keys. */
  prefix: string | null;
  createdAt: string;
}

/** A job item as stored, with its progress. */
export interface Job extends NewJob {
  done: number;
  failed: number;
  errors: JobError[];
  /** Present for dry runs. */
  plan: JobPlan | null;
  /** Present for reconciles. */
  reconcile: ReconcileCounts | null;
  /** How many steps (work messages) have been counted; a redelivered step is not counted twice. */
  steps: number;
  /**
   * The step that follows the last one counted, as the delivery that counted it queued it (null: the job
   * ended with it); absent before any step was counted. A redelivery of that step queues this one rather
   * than its own: its listing may have changed since, and a second, different next step would count pages twice.
   */
  next?: JobContinuation | null;
  updatedAt: string;
}

/** The work messages that are steps of a job. */
export const JOB_STEP_TYPES = [
  "reimport-count",
  "reimport-page",
  "reconcile-list",
  "reconcile-records",
] as const;

/** Where a job goes on after a step: the next step's message type and cursor. */
export interface JobContinuation {
  type: (typeof JOB_STEP_TYPES)[number];
  cursor: string | null;
}

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
