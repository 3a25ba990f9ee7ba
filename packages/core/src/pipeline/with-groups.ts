import type { StoredRecord } from "../ports/record-store";
import type { PipelineDeps } from "./pipeline-deps";

/**
 * The records an import of some object records is built from (an ad-hoc import of a prefix): those
 * records and, read from the table once each, the group and series records their members belong to.
 * A group joins when any of its members is among them; `buildImports` then leaves the members out, so
 * the files hold what the exporter's hold: the group, never its members alone (design.md "Groups").
 */
export async function withTheirGroups(
  deps: Pick<PipelineDeps, "objects" | "records">,
  records: readonly StoredRecord[],
): Promise<StoredRecord[]> {
  const present = new Set(records.map((record) => record.key));
  const groupKeys = new Set<string>();
  for (const { groupKey } of records) {
    if (groupKey !== undefined && !present.has(groupKey)) groupKeys.add(groupKey);
  }
  if (groupKeys.size === 0) return [...records];
  return [...records, ...(await deps.records.getMany(deps.objects.bucket, [...groupKeys]))];
}
