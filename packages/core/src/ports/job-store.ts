import type { Job, JobProgress, JobStatus, NewJob } from "../jobs/job";
import type { RunningJob } from "../jobs/job-admission";

/** Jobs of fan-out work (reimports, reconciles) with their progress, and the registry of running ones. */
export interface JobStore {
  createJob(job: NewJob): Promise<void>;
  getJob(id: string): Promise<Job | null>;
  /**
   * Adds one step's progress atomically, only if `progress.step` is the job's next step; answers whether
   * it counted (false: the step was counted before, by an earlier delivery of the same message).
   */
  addProgress(id: string, progress: JobProgress): Promise<boolean>;
  /** Moves the job to `status` unless it is already there or further on; answers whether it moved. */
  setStatus(id: string, status: JobStatus, at: string): Promise<boolean>;
  /**
   * The places of running jobs (one registry item, since only single-item conditional writes exist) and the
   * registry's version; version 0 when it was never written.
   */
  readRunningJobs(): Promise<{ jobs: RunningJob[]; version: number }>;
  /** Replaces the registry if its version is still `version`; answers whether it did (false: written meanwhile). */
  writeRunningJobs(jobs: readonly RunningJob[], version: number): Promise<boolean>;
}
