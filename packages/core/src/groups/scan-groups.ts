import type { Issue } from "../issues";
import type { MetadataSchema } from "../metadata-schema";
import type { ListingPlan } from "../plan-listing";
import type { SluiceRecord } from "../record";
import type { ObjectReader } from "../scan-listing";
import { assembleImageGroup } from "./assemble-group";
import { assembleDicomSeries } from "./assemble-series";
import { type FolderDefaults, folderOf, type GroupResult, toGroupRecord } from "./group-result";
import { folderDefaultsLoader, readManifest } from "./read-group-inputs";

/** What grouping a scanned listing needs: the plan, the derived records and a way to read files. */
export interface GroupListingInput {
  bucket: string;
  plan: ListingPlan;
  records: readonly SluiceRecord[];
  reader: ObjectReader;
  objectUrlOf(key: string): string;
  schema: MetadataSchema | null;
  now: string;
}

/**
 * Turns the records of a listing into groups (design.md "Groups"): each `_group.json` gathers the
 * objects directly in its folder into one group record, DICOM files join one record per series,
 * and members become `held`. Returns every record, group records included, and notes to show.
 */
export async function groupListing(
  input: GroupListingInput,
): Promise<{ records: SluiceRecord[]; notes: string[] }> {
  const held = new Set<string>();
  const groups: SluiceRecord[] = [];
  const notes: string[] = [];
  const defaultsOf = folderDefaultsLoader(input.reader, input.plan);
  const keep = (r: SluiceRecord) => r.status === "ready" || r.status === "invalid";

  for (const manifestKey of input.plan.manifestKeys) {
    const folder = folderOf(manifestKey);
    const direct = input.records.filter((r) => folderOf(r.key) === folder && keep(r));
    const defaults = await defaultsOf(folder);
    const parsed = await readManifest(input.reader, manifestKey);
    const result: GroupResult = parsed.ok
      ? assembleImageGroup({
          manifestKey,
          manifest: parsed.manifest,
          members: direct.map((record) => ({ key: record.key, record })),
          folderDefaults: defaults.metadata,
          schema: input.schema,
        })
      : failed(folder, parsed.error);
    const members = parsed.ok ? direct.filter((r) => r.dataType === "image") : direct;
    for (const record of members) held.add(record.key);
    const errors = [...defaults.errors, ...result.errors];
    const type = parsed.ok ? parsed.manifest.type : "image_group";
    groups.push(groupRecord(input, folder, type, { ...result, errors }, input.objectUrlOf(folder)));
    notes.push(...warningNotes(folder, result.warnings));
  }

  const dicom = input.records.filter((r) => r.dataType === "dicom" && keep(r));
  const folderDefaults = new Map<string, FolderDefaults>();
  for (const folder of new Set(dicom.map((r) => folderOf(r.key)))) {
    folderDefaults.set(folder, (await defaultsOf(folder)).metadata);
  }
  const series = assembleDicomSeries(
    dicom.map((record) => ({ key: record.key, record })),
    { defaultsFor: (folder) => folderDefaults.get(folder) ?? { clientMetadata: {}, provenance: {} } },
  );
  const lone = new Map<string, Issue[]>();
  for (const result of series) {
    if (result.seriesInstanceUid === null) {
      for (const key of result.memberKeys) lone.set(key, result.warnings);
      continue;
    }
    const key = `dicom:${result.seriesInstanceUid}`;
    for (const member of result.memberKeys) held.add(member);
    groups.push(groupRecord(input, key, "dicom_series", result, ""));
    notes.push(...warningNotes(key, result.warnings));
  }

  const records = input.records.map((record): SluiceRecord => {
    const warnings = lone.get(record.key);
    if (warnings) return { ...record, warnings: [...record.warnings, ...warnings] };
    return held.has(record.key) ? { ...record, export: { state: "held" } } : record;
  });
  return { records: [...records, ...groups], notes };
}

function groupRecord(
  input: GroupListingInput,
  key: string,
  dataType: "image_group" | "image_sequence" | "dicom_series",
  result: GroupResult,
  objectUrl: string,
): SluiceRecord {
  return toGroupRecord({ bucket: input.bucket, key, objectUrl, now: input.now }, dataType, result, "pending");
}

/** The result for a group whose manifest cannot be read or parsed: invalid, its members held. */
function failed(folder: string, error: Issue): GroupResult {
  return {
    status: "invalid",
    title: folder,
    clientMetadata: {},
    provenance: {},
    memberKeys: [],
    missing: [],
    errors: [error],
    warnings: [],
    entry: null,
  };
}

function warningNotes(key: string, warnings: readonly Issue[]): string[] {
  return warnings.filter((w) => w.code !== "group-incomplete").map((w) => `${key}: ${w.code}: ${w.message}`);
}
