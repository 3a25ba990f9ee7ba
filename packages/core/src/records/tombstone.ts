import type { Issue } from "../issues";
import type { SluiceRecord } from "./record";

/**
 * The record of a data object, group or series that is gone: it keeps what it was, says why in its
 * one warning, and leaves every later export. Takes the stored record (the write-ordering fields
 * `revision` and `sequencers` are the store's, and are left out).
 */
export function tombstone(
  existing: SluiceRecord & { revision?: number; sequencers?: Record<string, string> },
  now: string,
  why: Issue,
): SluiceRecord {
  const { revision: _revision, sequencers: _sequencers, ...record } = existing;
  return {
    ...record,
    status: "deleted",
    importEntry: null,
    errors: [],
    warnings: [why],
    updatedAt: now,
    export: { state: "held" },
  };
}
