import { WriteConflictError } from "../errors";
import { stableStringify } from "../json";
import type { PipelineDeps } from "../pipeline/pipeline-deps";
import type { StoredRecord } from "../ports/record-store";

/** What an export did to records and files, summed over its steps. */
export interface ExportTally {
  files: { key: string; entries: number }[];
  exported: number;
  /** Records that changed while their file was written: still pending, exported next run. */
  changedMeanwhile: number;
  invalid: number;
}

/** The tally of a step that did nothing. */
export const NO_TALLY: ExportTally = { files: [], exported: 0, changedMeanwhile: 0, invalid: 0 };

/** The sum of tallies, files in order. */
export function addTallies(...tallies: ExportTally[]): ExportTally {
  return tallies.reduce(
    (sum, t) => ({
      files: [...sum.files, ...t.files],
      exported: sum.exported + t.exported,
      changedMeanwhile: sum.changedMeanwhile + t.changedMeanwhile,
      invalid: sum.invalid + t.invalid,
    }),
    NO_TALLY,
  );
}

const STEP_ATTEMPTS = 3;

/** Marks records exported in `file`, counting those that changed since they were claimed. */
export async function markAll(
  deps: PipelineDeps,
  records: readonly StoredRecord[],
  file: string,
  now: string,
): Promise<ExportTally> {
  let exported = 0;
  let changedMeanwhile = 0;
  for (const record of records) {
    const mark = (r: StoredRecord) => deps.records.markExported(r.bucket, r.key, r.revision, file, now);
    if (await whileSameEntry(deps, record, mark)) exported += 1;
    else changedMeanwhile += 1;
  }
  return { ...NO_TALLY, exported, changedMeanwhile };
}

/**
 * Runs a revision-conditional step (claim, mark) on a record, and when it loses to a write that left
 * the entry as it was (a redelivered event, a sidecar's event after the data's own read the sidecar),
 * runs it again on the record as the table holds it now. Answers the record the step succeeded on (a
 * claim's own answer when it gives one), or null when the entry changed (it is exported next run).
 */
export async function whileSameEntry(
  deps: PipelineDeps,
  record: StoredRecord,
  step: (current: StoredRecord) => Promise<StoredRecord | boolean | null>,
): Promise<StoredRecord | null> {
  const entry = stableStringify(record.importEntry);
  let current: StoredRecord | null = record;
  for (let attempt = 0; attempt < STEP_ATTEMPTS && current !== null; attempt += 1) {
    const done = await step(current);
    if (done === true) return current;
    if (done) return stableStringify(done.importEntry) === entry ? done : null;
    current = await deps.records.get(record.bucket, record.key);
    const same = current?.export.state === "pending" && stableStringify(current.importEntry) === entry;
    if (!same) current = null;
  }
  return null;
}

/** Writes back a record that the build found invalid (entry too large); a lost race leaves it to the next run. */
export async function markInvalid(deps: PipelineDeps, record: StoredRecord, now: string): Promise<number> {
  try {
    await deps.records.put({ ...record, updatedAt: now, revision: record.revision + 1 }, record.revision);
    return 1;
  } catch (error) {
    if (error instanceof WriteConflictError) return 0;
    throw error;
  }
}
