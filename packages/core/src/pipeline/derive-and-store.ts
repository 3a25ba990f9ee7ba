import type { ReadStats } from "../bytes/caching-byte-source";
import { TransientError, WriteConflictError } from "../errors";
import { normalizeSequencer } from "../keys/sequencer";
import type { SluiceRecord } from "../records/record";
import { queueAssembly } from "./group-membership";
import { nextStoredRecord, sameContent } from "./next-stored-record";
import type { DeriveOutcome, PipelineDeps } from "./pipeline-deps";
import { type DeriveOptions, recordFromStorage } from "./record-from-storage";

/** The source key whose event caused a derivation, and that event's sequencer. */
export interface Trigger {
  source: string;
  sequencer: string;
}

const MAX_ATTEMPTS = 5;

/**
 * Re-derives the record of one data object from the current state of storage (`recordFromStorage`)
 * and writes it with a conditional write: an event whose sequencer for its source key is not newer
 * than the stored one changes nothing, and a lost race re-reads and derives again. The record
 * converges on "latest data + latest sidecar + latest defaults" whatever order events arrive in.
 */
export async function deriveAndStore(
  deps: PipelineDeps,
  key: string,
  trigger: Trigger,
  options: DeriveOptions = {},
): Promise<DeriveOutcome> {
  const sequencer = normalizeSequencer(trigger.sequencer);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const existing = await deps.records.get(deps.objects.bucket, key);
    const applied = existing?.sequencers[trigger.source];
    if (applied !== undefined && applied >= sequencer) {
      // A redelivered event whose first delivery failed to queue its assembly queues it now.
      if (existing) await queueAssembly(deps, existing);
      return observed(deps, key, "stale", null, null);
    }
    const { record: derived, read } = await recordFromStorage(deps, key, existing, options);
    if (derived === null) return observed(deps, key, "ignored", null, read);
    const unchanged = existing !== null && sameContent(existing, derived);
    const next = nextStoredRecord(existing, derived, { [trigger.source]: sequencer });
    try {
      await deps.records.put(next, existing?.revision ?? null);
    } catch (error) {
      if (error instanceof WriteConflictError) continue;
      throw error;
    }
    if (!unchanged) {
      await queueAssembly(deps, derived);
      if (existing?.groupKey !== undefined && existing.groupKey !== derived.groupKey)
        await queueAssembly(deps, existing);
    }
    const outcome = derived.status === "deleted" ? "tombstoned" : unchanged ? "unchanged" : "written";
    return observed(deps, key, outcome, next, read, next.revision);
  }
  throw new TransientError(`gave up on ${key} after ${MAX_ATTEMPTS} conflicting writes`);
}

/** Tells the observer of a derivation and answers its outcome. */
function observed(
  deps: PipelineDeps,
  key: string,
  outcome: DeriveOutcome,
  record: SluiceRecord | null,
  read: ReadStats | null,
  revision?: number,
): DeriveOutcome {
  deps.observe?.({ key, outcome, record, read, ...(revision === undefined ? {} : { revision }) });
  return outcome;
}
