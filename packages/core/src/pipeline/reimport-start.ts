import type { Job, JobStatus } from "../job";
import type { JobStore } from "../ports";
import type { ReimportMessage } from "../work-message";
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

/**
 * Creates a reimport job and queues its first step: a count of the prefix (so that `total` is known
 * before any key is processed), or, for a list of keys whose total is known, the first page.
 * `id` and `sequencer` come from the caller, which has a clock and randomness.
 */
export async function startReimport(
  deps: Pick<ReimportDeps, "jobs" | "work" | "objects" | "now">,
  request: ReimportRequest,
  ids: { id: string; sequencer: string },
): Promise<{ id: string; status: JobStatus; total: number }> {
  const keys = "keys" in request.target ? [...request.target.keys] : null;
  const prefix = "prefix" in request.target ? request.target.prefix : null;
  const total = keys?.length ?? 0;
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
  return { id: ids.id, status: "queued", total };
}
