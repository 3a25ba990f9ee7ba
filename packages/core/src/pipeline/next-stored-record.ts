import { issue } from "../issues";
import { type JsonObject, stableStringify } from "../json";
import type { StoredRecord } from "../ports/record-store";
import type { SluiceRecord } from "../records/record";
import { memberExport } from "./group-membership";

/**
 * The stored record that follows `existing` once `derived` is written: export state kept when nothing
 * Encord sees changed, and an `encord-media-stale` warning when an exported file was re-uploaded with
 * different media metadata. `sequencers` are the ones this write applies.
 */
export function nextStoredRecord(
  existing: StoredRecord | null,
  derived: SluiceRecord,
  sequencers: Record<string, string>,
): StoredRecord {
  const merged = { ...(existing?.sequencers ?? {}), ...sequencers };
  const revision = (existing?.revision ?? 0) + 1;
  if (existing && sameContent(existing, derived)) {
    return { ...existing, revision, sequencers: merged };
  }
  const sameEntry =
    existing !== null && stableStringify(existing.importEntry) === stableStringify(derived.importEntry);
  const exportState =
    derived.groupKey !== undefined && derived.status !== "deleted"
      ? memberExport(existing)
      : derived.status !== "ready"
        ? { state: "held" as const }
        : sameEntry && existing && existing.export.state !== "held"
          ? existing.export
          : { state: "pending" as const };
  const warnings = mediaWentStale(existing, derived)
    ? [
        ...derived.warnings,
        issue(
          "encord-media-stale",
          "re-uploaded with different media metadata; Encord keeps the first registration's",
        ),
      ]
    : derived.warnings;
  return { ...derived, warnings, export: exportState, revision, sequencers: merged };
}

/**
 * Whether an exported object was re-uploaded with media blocks other than those Encord registered. Only
 * those can be stale: not Sluice's own fields (coded size, omitted reasons) that a newer Sluice may add
 * to the same file's mediaMetadata.
 */
function mediaWentStale(existing: StoredRecord | null, derived: SluiceRecord): boolean {
  return (
    existing !== null &&
    derived.status === "ready" &&
    existing.export.state === "exported" &&
    existing.etag !== derived.etag &&
    stableStringify(mediaBlocksOf(existing.importEntry)) !==
      stableStringify(mediaBlocksOf(derived.importEntry))
  );
}

/** The media blocks of an import entry (`videoMetadata`, `imageMetadata`, …): what Encord registers. */
function mediaBlocksOf(entry: JsonObject | null): JsonObject {
  const blocks: JsonObject = {};
  for (const [name, value] of Object.entries(entry ?? {})) {
    if (name.endsWith("Metadata") && name !== "clientMetadata" && value !== undefined) blocks[name] = value;
  }
  return blocks;
}

/** Whether a derivation changed anything of the stored record but its time. */
export function sameContent(existing: StoredRecord, derived: SluiceRecord): boolean {
  const { revision: _r, sequencers: _s, updatedAt: _u, export: _e, ...before } = existing;
  const { updatedAt: _u2, export: _e2, ...after } = derived;
  return stableStringify(before) === stableStringify(after);
}
