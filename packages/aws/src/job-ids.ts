import { randomBytes } from "node:crypto";
import type { JobStartIds } from "@sluice/core";
import { jobLeaseAt } from "./running-jobs";

/**
 * A reimport's sequencer: 12 hex digits of the time in ms, then 8 random ones, so that a later job's
 * writes win over an earlier one's. Two jobs started in the same millisecond may order either way.
 */
export function reimportSequencer(ms: number): string {
  return ms.toString(16).padStart(12, "0") + randomBytes(4).toString("hex");
}

/** The id, sequencer and first lease of a job started at `ms`, as `startReimport` and `startReconcile` take them. */
export function newJobIds(id: string, ms: number): JobStartIds {
  return { id, sequencer: reimportSequencer(ms), leaseUntil: jobLeaseAt(ms).until };
}
