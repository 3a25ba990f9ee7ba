import type { ImportEntry } from "../imports/format";
import type { Issue } from "../issues";
import type { JsonObject } from "../json";
import { parseRecordKey } from "../keys/record-key";
import { mergeMetadata } from "../metadata/merge";
import type { Provenance, SluiceRecord } from "../records/record";
import type { GroupType } from "../typing/data-type";

/** A data object offered to a group or series, with its derived record. */
export interface GroupMember {
  key: string;
  record: SluiceRecord;
}

/** The merged `_defaults.json` metadata that applies to a folder, with each key's source. */
export interface FolderDefaults {
  clientMetadata: JsonObject;
  provenance: Provenance;
}

/** An assembled group or series: its status, ordered members and, when ready, its import entry. */
export interface GroupResult {
  status: "ready" | "incomplete" | "invalid";
  title: string;
  clientMetadata: JsonObject;
  provenance: Provenance;
  /** Member keys in display order. */
  memberKeys: string[];
  /** Member file names a manifest lists that are not present. */
  missing: string[];
  errors: Issue[];
  warnings: Issue[];
  entry: ImportEntry["entry"] | null;
}

const DEFAULTS_LAYER = "\u0000defaults";

/** Lays `clientMetadata` over a folder's defaults (design.md "Groups"), keeping each key's source. */
export function overDefaults(defaults: FolderDefaults, source: string, metadata: JsonObject): FolderDefaults {
  const merged = mergeMetadata([
    { source: DEFAULTS_LAYER, metadata: defaults.clientMetadata },
    { source, metadata },
  ]);
  const provenance: Provenance = {};
  for (const [key, from] of Object.entries(merged.provenance)) {
    provenance[key] = from === DEFAULTS_LAYER ? (defaults.provenance[key] ?? "defaults") : from;
  }
  return { clientMetadata: merged.clientMetadata, provenance };
}

/** The folder of a key, with its trailing slash ("" at the bucket root). */
export function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/") + 1);
}

/** The file name of a key within its folder. */
export function nameOf(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** Where group records are kept and when this one was assembled. */
export interface GroupRecordPlace {
  bucket: string;
  objectUrlOf(key: string): string;
  now: string;
}

/**
 * The record of an assembled group or series, the one builder of the pipeline and the scan: invalid
 * when assembly found errors, its entry only when ready. A folder's group has the folder's URL, a
 * series (keyed by its UID, not a place in the bucket) none. `exportWhenReady` is the scan's
 * `pending`, or `held` for the pipeline, which decides the export state against the stored record.
 */
export function toGroupRecord(
  place: GroupRecordPlace,
  key: string,
  dataType: GroupType,
  result: GroupResult,
  exportWhenReady: "pending" | "held",
): SluiceRecord {
  const status = result.errors.length > 0 ? "invalid" : result.status;
  return {
    bucket: place.bucket,
    key,
    objectUrl: parseRecordKey(key).kind === "series" ? "" : place.objectUrlOf(key),
    dataType,
    status,
    title: result.title,
    clientMetadata: result.clientMetadata,
    provenance: result.provenance,
    mediaMetadata: null,
    sidecarKey: null,
    etag: null,
    versionId: null,
    errors: result.errors,
    warnings: result.warnings,
    updatedAt: place.now,
    importEntry: status === "ready" ? result.entry : null,
    export: { state: status === "ready" ? exportWhenReady : "held" },
  };
}

/** The result for a group whose manifest cannot be read or parsed: invalid, with no members. */
export function failedGroupResult(folder: string, errors: Issue[]): GroupResult {
  const base = { title: folder, clientMetadata: {}, provenance: {}, memberKeys: [], missing: [] };
  return { ...base, status: "invalid", errors, warnings: [], entry: null };
}
