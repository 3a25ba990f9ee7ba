import type { WorkMessage } from "../jobs/work-message";

/** The work queue (SQS in AWS, the local driver on a laptop). */
export interface WorkQueue {
  send(message: WorkMessage): Promise<void>;
}
