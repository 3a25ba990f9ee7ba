import type { ByteSource } from "../bytes/byte-source";
import { AccessDeniedError } from "../errors";
import { forEachConcurrently } from "../for-each-concurrently";
import type { JobContinuation, JobError, PlanEntry } from "../jobs/job";
import { finishJob } from "../jobs/job-registry";
import { continuationOf, type JobStepContext, keyFailures, runJobStep } from "../jobs/job-step";
import type { ReimportMessage } from "../jobs/work-message";
import { classifyKey } from "../keys/classify-key";
import { planListing } from "../scan/plan-listing";
import { deriveAndStore } from "./derive-and-store";
import { type AssemblyMessage, assemblyFlag, assemblyFor } from "./group-membership";
import { planKey } from "./plan-key";
import type { DeriveOptions } from "./record-from-storage";
import type { ReimportDeps } from "./reimport-start";

/** What one step of a reimport did. */
export interface ReimportStepResult {
  /** Data keys counted (a count step) or processed (a page step). */
  keys: number;
  /** Whether the job's progress took this step (false: a redelivery of a step counted before). */
  counted: boolean;
  /** The type of the step queued next, or null when the job is finished. */
  next: ReimportMessage["type"] | null;
}

/** Pages of listing one count step reads, so that a step stays short whatever the prefix holds. */
export const COUNT_PAGES_PER_STEP = 10;

const CONCURRENCY = 8;

/**
 * Runs one step of a reimport job (design.md "Data flow" step 8) and queues the next: count steps
 * add the prefix's data objects to `total`, then page steps re-derive one page each and add to
 * `done` and `failed`; a dry run derives without writing and adds each key's planned action.
 * A transient failure throws so that the queue retries the step (after the rest of its page ran);
 * on the step's last attempt a key still failing is counted as failed with its error, and a step
 * still failing ends the job `failed`: a job always ends. The job counts each step once.
 */
export async function runReimportPage(
  deps: ReimportDeps,
  message: ReimportMessage,
  context?: JobStepContext,
): Promise<ReimportStepResult> {
  const step = { jobId: message.jobId, step: message.step, about: message.prefix ?? "" };
  const ended: ReimportStepResult = { keys: 0, counted: false, next: null };
  return runJobStep(
    deps,
    step,
    context,
    () => (message.type === "reimport-count" ? countStep(deps, message) : pageStep(deps, message, context)),
    ended,
  );
}

async function countStep(deps: ReimportDeps, message: ReimportMessage): Promise<ReimportStepResult> {
  const { jobs, settings } = deps;
  if (message.step === 0) await jobs.setStatus(message.jobId, "counting", deps.now());
  let cursor = message.cursor;
  let found = 0;
  for (let page = 0; page < COUNT_PAGES_PER_STEP; page += 1) {
    const listed = await listOrFail(deps, message, cursor);
    if (listed === null) return { keys: found, counted: false, next: null };
    found += planListing(listed.keys, settings.suffixes).dataKeys.length;
    cursor = listed.cursor;
    if (cursor === null) break;
  }
  const own: JobContinuation =
    cursor !== null ? { type: "reimport-count", cursor } : { type: "reimport-page", cursor: null };
  const progress = { step: message.step, total: found, next: own, at: deps.now() };
  const counted = await jobs.addProgress(message.jobId, progress);
  const next = await continuationOf(deps, message, counted, own);
  if (!next) return { keys: found, counted, next: null };
  const following = stepAfter(message, next);
  if (following.type === "reimport-page") await jobs.setStatus(message.jobId, "running", deps.now());
  await deps.work.send(following);
  return { keys: found, counted, next: following.type };
}

async function pageStep(
  deps: ReimportDeps,
  message: ReimportMessage,
  context: JobStepContext | undefined,
): Promise<ReimportStepResult> {
  const { jobs } = deps;
  if (message.cursor === null) await jobs.setStatus(message.jobId, "running", deps.now());
  const page = await pageOf(deps, message);
  if (page === null) return { keys: 0, counted: false, next: null };
  const errors: JobError[] = page.rejected.map((key) => ({
    key,
    code: "not-a-data-object",
    message: "a sidecar, defaults file or group manifest is reimported with its data objects",
  }));
  const plan: (PlanEntry | null)[] = page.keys.map(() => null);
  const options: DeriveOptions = {
    defaultsCache: new Map<string, Promise<ByteSource | null>>(),
    editApiLayer: message.mode === "overwrite" ? () => null : undefined,
  };
  const trigger = { source: "reimport", sequencer: message.sequencer };
  const retry = keyFailures(context, errors, codeOf);
  await forEachConcurrently(page.keys, CONCURRENCY, async (key, i) => {
    try {
      if (message.dryRun) plan[i] = await planKey(deps, key, options);
      else await deriveAndStore(deps, key, trigger, options);
    } catch (error) {
      retry.fail(key, error);
    }
  });
  retry.throwIfAny();
  if (message.force && !message.dryRun) await forceGroups(deps, page.keys);
  const failed = errors.length;
  const processed = page.keys.length + page.rejected.length;
  const own: JobContinuation | null =
    page.cursor === null ? null : { type: "reimport-page", cursor: page.cursor };
  const counted = await jobs.addProgress(message.jobId, {
    step: message.step,
    total: await totalCorrection(deps, message, processed, own === null),
    done: processed - failed,
    failed,
    errors,
    ...(message.dryRun ? { plan: plan.flatMap((entry) => (entry ? [entry] : [])) } : {}),
    next: own,
    at: deps.now(),
  });
  const next = await continuationOf(deps, message, counted, own);
  if (next === undefined) return { keys: page.keys.length, counted, next: null };
  if (next === null) {
    await finishJob(deps, message.jobId, "done");
    return { keys: page.keys.length, counted, next: null };
  }
  await deps.work.send(stepAfter(message, next));
  return { keys: page.keys.length, counted, next: "reimport-page" };
}

/** The message of the step that follows `message` as `next` says. */
function stepAfter(message: ReimportMessage, next: JobContinuation): ReimportMessage {
  if (next.type !== "reimport-count" && next.type !== "reimport-page")
    throw new Error(`a reimport step cannot be followed by a ${next.type} step`);
  return { ...message, type: next.type, cursor: next.cursor, step: message.step + 1 };
}

/**
 * What a page of a prefix adds to the job's `total`, so that it counts the keys the pages process: the count
 * ran first, and objects uploaded before their page are processed though never counted, while objects
 * deleted meanwhile were counted but are not processed. A page raises the total to the keys processed so
 * far when they pass it, and the last page sets it to them. A list of keys is counted exactly at the start.
 * The job is read before its progress is added, which the step condition keeps safe (as in the store).
 */
async function totalCorrection(
  deps: ReimportDeps,
  message: ReimportMessage,
  processed: number,
  last: boolean,
): Promise<number> {
  if (message.keys !== null) return 0;
  const job = await deps.jobs.getJob(message.jobId);
  // A redelivery of a step counted before: its progress is not added.
  if (job === null || job.steps !== message.step) return 0;
  const after = job.done + job.failed + processed;
  return last ? after - job.total : Math.max(0, after - job.total);
}

/**
 * Queues a forced assembly of every group or series the page's records belong to, so that one held
 * as changed after its export is sent again (design.md "Groups"); sent past the assembly flag,
 * because a queued unforced assembly would not re-send it. Once re-sent, a group has no warning
 * left, so the next pages touching it leave it as it is.
 */
async function forceGroups(deps: ReimportDeps, keys: readonly string[]): Promise<void> {
  const records = await deps.records.getMany(deps.objects.bucket, keys);
  const messages = new Map<string, AssemblyMessage>();
  for (const record of records) {
    const message = assemblyFor(record);
    if (message !== null) messages.set(assemblyFlag(message), { ...message, force: true });
  }
  for (const message of messages.values()) await deps.work.send(message);
}

/** One page of a job's keys: a slice of its list, or a page of its prefix; null when the listing is refused. */
async function pageOf(deps: ReimportDeps, message: ReimportMessage) {
  const { pageSize, suffixes } = deps.settings;
  if (message.keys !== null) {
    const start = Number(message.cursor ?? "0");
    const end = start + pageSize;
    const slice = message.keys.slice(start, end);
    const isData = (key: string) => classifyKey(key, suffixes).kind === "data";
    return {
      keys: slice.filter(isData),
      rejected: slice.filter((key) => !isData(key)),
      cursor: end < message.keys.length ? String(end) : null,
    };
  }
  const listed = await listOrFail(deps, message, message.cursor);
  if (listed === null) return null;
  return { keys: planListing(listed.keys, suffixes).dataKeys, rejected: [], cursor: listed.cursor };
}

/** A page of the job's prefix; a refused listing fails the job (retrying cannot help) and answers null. */
async function listOrFail(deps: ReimportDeps, message: ReimportMessage, cursor: string | null) {
  try {
    return await deps.objects.list(message.prefix ?? "", cursor, deps.settings.pageSize);
  } catch (error) {
    if (!(error instanceof AccessDeniedError)) throw error;
    const failure = { key: message.prefix ?? "", code: "access-denied", message: error.message };
    const ended = { step: message.step, errors: [failure], next: null, at: deps.now() };
    await deps.jobs.addProgress(message.jobId, ended);
    await finishJob(deps, message.jobId, "failed");
    return null;
  }
}

function codeOf(error: unknown): string {
  return error instanceof AccessDeniedError ? "access-denied" : "reimport-failed";
}
