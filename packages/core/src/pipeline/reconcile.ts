import { forEachConcurrently } from "../for-each-concurrently";
import type { JobContinuation, JobError, ReconcileCounts } from "../jobs/job";
import { admitJob, finishJob, releaseJob } from "../jobs/job-registry";
import { continuationOf, type JobStepContext, keyFailures, runJobStep } from "../jobs/job-step";
import type { ReconcileMessage } from "../jobs/work-message";
import { GROUP_MANIFEST_FILE_NAME } from "../keys/classify-key";
import { parseRecordKey } from "../keys/record-key";
import type { ListedObject } from "../ports/object-store";
import type { StoredRecord } from "../ports/record-store";
import { planListing } from "../scan/plan-listing";
import { deriveAndStore } from "./derive-and-store";
import { requestAssembly } from "./group-membership";
import type { JobStartIds, ReimportDeps } from "./reimport-start";

/** What one step of a reconcile did. */
export interface ReconcileStepResult {
  counts: ReconcileCounts;
  counted: boolean;
  next: ReconcileMessage["type"] | null;
}

const CONCURRENCY = 8;

/**
 * Starts a reconcile (design.md "HTTP API", `POST /reconcile`): a job whose steps list the bucket
 * under `prefix` page by page, then read the records table page by page, repairing what events
 * missed. It is admitted like a reimport: throws JobRunningError or JobLimitError when refused.
 */
export async function startReconcile(
  deps: Pick<ReimportDeps, "jobs" | "work" | "objects" | "now">,
  prefix: string,
  ids: JobStartIds,
): Promise<{ id: string }> {
  await admitJob(deps, { id: ids.id, kind: "reconcile", prefix, dryRun: false, expiresAt: ids.leaseUntil });
  try {
    const job = { id: ids.id, kind: "reconcile" as const, status: "queued" as const, total: 0 };
    const flags = { mode: "merge" as const, dryRun: false, force: false };
    await deps.jobs.createJob({ ...job, ...flags, prefix, createdAt: deps.now() });
    const { bucket } = deps.objects;
    const first = { jobId: ids.id, bucket, prefix, sequencer: ids.sequencer, cursor: null, step: 0 };
    await deps.work.send({ type: "reconcile-list", ...first });
  } catch (error) {
    await releaseJob(deps, ids.id).catch(() => undefined);
    throw error;
  }
  return { id: ids.id };
}

/**
 * Runs one reconcile step and queues the next. A listing step records objects without a live
 * record (missing), re-derives records whose ETag differs or whose sidecar changed after them
 * (stale) and queues the assembly of a `_group.json` without a group record; a records step
 * tombstones live records whose object no longer answers HEAD (orphaned). Repairs go through
 * `deriveAndStore`, so a reconcile racing the event stream converges like any other writer.
 */
export async function runReconcileStep(
  deps: ReimportDeps,
  message: ReconcileMessage,
  context?: JobStepContext,
): Promise<ReconcileStepResult> {
  const step = { jobId: message.jobId, step: message.step, about: message.prefix };
  const ended: ReconcileStepResult = {
    counts: { missing: 0, stale: 0, orphaned: 0, matched: 0 },
    counted: false,
    next: null,
  };
  return runJobStep(deps, step, context, () => reconcileStep(deps, message, context), ended);
}

async function reconcileStep(
  deps: ReimportDeps,
  message: ReconcileMessage,
  context: JobStepContext | undefined,
): Promise<ReconcileStepResult> {
  if (message.step === 0) await deps.jobs.setStatus(message.jobId, "running", deps.now());
  const counts: ReconcileCounts = { missing: 0, stale: 0, orphaned: 0, matched: 0 };
  const errors: JobError[] = [];
  const failures = keyFailures(context, errors, () => "reconcile-failed");
  const repair = async (key: string) => {
    try {
      await deriveAndStore(deps, key, { source: "reconcile", sequencer: message.sequencer });
    } catch (error) {
      failures.fail(key, error);
    }
  };
  const page =
    message.type === "reconcile-list"
      ? await listingStep(deps, message, counts, repair)
      : await recordsStep(deps, message, counts, repair);
  failures.throwIfAny();
  // Everything a step checks is in its total as in its counts, so `done` never passes `total`: the
  // listing's data objects and group manifests, and the records of objects found gone.
  const checked = counts.missing + counts.stale + counts.orphaned + counts.matched;
  const own: JobContinuation | null =
    page.cursor !== null
      ? { type: message.type, cursor: page.cursor }
      : message.type === "reconcile-list"
        ? { type: "reconcile-records", cursor: null }
        : null;
  const counted = await deps.jobs.addProgress(message.jobId, {
    step: message.step,
    total: checked,
    done: checked - errors.length,
    failed: errors.length,
    errors,
    reconcile: counts,
    next: own,
    at: deps.now(),
  });
  const next = await continuationOf(deps, message, counted, own);
  if (next === undefined) return { counts, counted, next: null };
  if (next === null) {
    await finishJob(deps, message.jobId, "done");
    return { counts, counted, next: null };
  }
  if (next.type !== "reconcile-list" && next.type !== "reconcile-records")
    throw new Error(`a reconcile step cannot be followed by a ${next.type} step`);
  await deps.work.send({ ...message, type: next.type, cursor: next.cursor, step: message.step + 1 });
  return { counts, counted, next: next.type };
}

type Repair = (key: string) => Promise<void>;

async function listingStep(
  deps: ReimportDeps,
  message: ReconcileMessage,
  counts: ReconcileCounts,
  repair: Repair,
) {
  const { bucket } = deps.objects;
  const listed = await deps.objects.list(message.prefix, message.cursor, deps.settings.pageSize);
  const plan = planListing(listed.keys, deps.settings.suffixes);
  const details = new Map((listed.objects ?? []).map((o) => [o.key, o]));
  const records = new Map((await deps.records.getMany(bucket, plan.dataKeys)).map((r) => [r.key, r]));
  const repairs: string[] = [];
  for (const key of plan.dataKeys) {
    const verdict = verdictOf(records.get(key), details.get(key), plan.sidecars.get(key) ?? [], details);
    counts[verdict] += 1;
    if (verdict !== "matched") repairs.push(key);
  }
  await forEachConcurrently(repairs, CONCURRENCY, repair);
  // Each manifest is checked too: its group record matches, or it is missing and assembled now.
  for (const manifest of plan.manifestKeys) {
    const folder = manifest.slice(0, -GROUP_MANIFEST_FILE_NAME.length);
    const group = await deps.records.get(bucket, folder);
    if (group !== null && group.status !== "deleted") {
      counts.matched += 1;
      continue;
    }
    counts.missing += 1;
    await requestAssembly(deps, { type: "assemble-group", bucket, folder });
  }
  return { cursor: listed.cursor };
}

/** Whether a listed data object's record is missing, stale or matches. */
function verdictOf(
  record: StoredRecord | undefined,
  object: ListedObject | undefined,
  sidecars: readonly { key: string }[],
  details: ReadonlyMap<string, ListedObject>,
): "missing" | "stale" | "matched" {
  if (record === undefined || record.status === "deleted") return "missing";
  if (object?.etag && record.etag && object.etag !== record.etag) return "stale";
  const sidecar = sidecars[0]?.key ?? null;
  if (sidecar !== record.sidecarKey) return "stale";
  // A sidecar written after the record was derived is one whose event went missing (or is on its way).
  const written = sidecar === null ? null : (details.get(sidecar)?.lastModified ?? null);
  return written !== null && written > record.updatedAt ? "stale" : "matched";
}

async function recordsStep(
  deps: ReimportDeps,
  message: ReconcileMessage,
  counts: ReconcileCounts,
  repair: Repair,
) {
  const { bucket } = deps.objects;
  const page = await deps.records.scanKeys(bucket, message.prefix, message.cursor, deps.settings.pageSize);
  // Group and series records have no object of their own: their assembly keeps them.
  const objectKeys = page.keys.filter((key) => parseRecordKey(key).kind === "object");
  const gone: string[] = [];
  await forEachConcurrently(objectKeys, CONCURRENCY, async (key) => {
    if ((await deps.objects.head(key)) === null) gone.push(key);
  });
  counts.orphaned += gone.length;
  await forEachConcurrently(gone, CONCURRENCY, repair);
  return { cursor: page.cursor };
}
