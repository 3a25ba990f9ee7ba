import type { UploadJobResult } from "../delivery/delivery";

/** Encord's upload jobs for one configured integration (design.md "Delivery to Encord"). */
export interface EncordJobs {
  /** Starts a job for an import file (its JSON text and its key as the job's file name); answers the job id. */
  start(folder: string, importFile: string, fileName: string): Promise<string>;
  /** One long poll of a job, at most `timeoutSeconds` long. */
  poll(folder: string, jobId: string, timeoutSeconds: number): Promise<UploadJobResult>;
}
