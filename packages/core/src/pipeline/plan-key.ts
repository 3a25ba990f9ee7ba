import { MAX_PLAN_CHANGES, type PlanEntry } from "../jobs/job";
import { changedFields } from "../records/changes";
import { sameContent } from "./next-stored-record";
import { type DeriveOptions, recordFromStorage } from "./record-from-storage";
import type { ReimportDeps } from "./reimport-start";

/**
 * What a reimport would do to one key, derived as it would be but not written, with the fields it would
 * change of the stored record. A key no object answers under is `missing` (a live record of it would be
 * tombstoned: its changes say so), never `unchanged`.
 */
export async function planKey(deps: ReimportDeps, key: string, options: DeriveOptions): Promise<PlanEntry> {
  const existing = await deps.records.get(deps.objects.bucket, key);
  const { record } = await recordFromStorage(deps, key, existing, options);
  const changed = existing !== null && record !== null && !sameContent(existing, record);
  const changes = changed ? namedChanges(changedFields(existing, record)) : {};
  if (record === null || record.status === "deleted") return { key, action: "missing", ...changes };
  if (record.status === "invalid" || record.status === "skipped")
    return { key, action: "invalid", ...changes };
  if (existing === null) return { key, action: "create" };
  return changed ? { key, action: "update", ...changes } : { key, action: "unchanged" };
}

/** Changed fields as a plan entry names them: the first MAX_PLAN_CHANGES, and a count of the rest. */
function namedChanges(changes: string[]): Pick<PlanEntry, "changes" | "moreChanges"> {
  if (changes.length <= MAX_PLAN_CHANGES) return { changes };
  return { changes: changes.slice(0, MAX_PLAN_CHANGES), moreChanges: changes.length - MAX_PLAN_CHANGES };
}
