import type { Job, JobStatus } from "../jobs/job";
import { admitJob, releaseJob } from "../jobs/job-registry";
import type { ReimportMessage } from "../jobs/work-message";
import type { JobStore } from "../ports/job-store";
import type { PipelineDeps } from "./pipeline-deps";

/** The pipeline's ports plus the job store: what a reimport works through. */
export type ReimportDeps = PipelineDeps & { jobs: JobStore };

/** A reimport as asked for: a list of keys, or every data object under a prefix (`""`: the whole bucket). */
export interface ReimportRequest {
  target: { keys: readonly string[] } | { prefix: string };
  mode: Job["mode"];
  dryRun: boolean;
  force: boolean;
}

/** What the caller of a job's start gives, having a clock and randomness. */
export interface JobStartIds {
  id: string;
  /** The job's sequencer, under its source of every record it writes. */
  sequencer: string;
  /** Until when the job's place among the running jobs holds before its first step renews it. */
  leaseUntil: string;
}

/**
 * Admits a reimport job (a dry run too: it reads as much as a real one), creates it and queues its first
 * step: a count of the prefix (so that `total` is known before any key is processed), or, for a list of
 * keys whose total is known, the first page. Throws JobRunningError or JobLimitError when it is refused.
 */
export async function startReimport(
  deps: Pick<ReimportDeps, "jobs" | "work" | "objects" | "now">,
  request: ReimportRequest,
  ids: JobStartIds,
): Promise<{ id: string; status: JobStatus; total: number }> {
  const keys = "keys" in request.target ? [...request.target.keys] : null;
  const prefix = "prefix" in request.target ? request.target.prefix : null;
  const total = keys?.length ?? 0;
  const place = { id: ids.id, kind: "reimport" as const, prefix, dryRun: request.dryRun };
  await admitJob(deps, { ...place, expiresAt: ids.leaseUntil });
  try {
    await createAndQueue(deps, request, ids, { keys, prefix, total });
  } catch (error) {
    // Never started: its place is freed now rather than when it expires.
    await releaseJob(deps, ids.id).catch(() => undefined);
    throw error;
  }
  return { id: ids.id, status: "queued", total };
}

async function createAndQueue(
  deps: Pick<ReimportDeps, "jobs" | "work" | "objects" | "now">,
  request: ReimportRequest,
  ids: JobStartIds,
  { keys, prefix, total }: { keys: string[] | null; prefix: string | null; total: number },
): Promise<void> {
  await deps.jobs.createJob({
    id: ids.id,
    kind: "reimport",
    status: "queued",
    total,
    mode: request.mode,
    dryRun: request.dryRun,
    force: request.force,
    prefix,
    createdAt: deps.now(),
  });
  const first: ReimportMessage = {
    type: keys === null ? "reimport-count" : "reimport-page",
    jobId: ids.id,
    bucket: deps.objects.bucket,
    prefix,
    keys,
    mode: request.mode,
    dryRun: request.dryRun,
    force: request.force,
    sequencer: ids.sequencer,
    cursor: null,
    step: 0,
  };
  await deps.work.send(first);
}
