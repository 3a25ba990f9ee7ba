import type { ObjectReader } from "../bytes/opened-object";
import type { Issue } from "../issues";
import { groupRecordKey, seriesRecordKey } from "../keys/record-key";
import type { MetadataSchema } from "../metadata/schema";
import type { SluiceRecord } from "../records/record";
import type { ListingPlan } from "../scan/plan-listing";
import { assembleImageGroup } from "./assemble-group";
import { assembleDicomSeries } from "./assemble-series";
import { groupKeyOf } from "./group-key";
import {
  type FolderDefaults,
  failedGroupResult,
  folderOf,
  type GroupResult,
  toGroupRecord,
} from "./group-result";
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
 * and members (`groupKeyOf`, the pipeline's rule) get their group's key and become `held`. Returns
 * every record, group records included, and notes to show.
 */
export async function groupListing(
  input: GroupListingInput,
): Promise<{ records: SluiceRecord[]; notes: string[] }> {
  const groups: SluiceRecord[] = [];
  const notes: string[] = [];
  const defaultsOf = folderDefaultsLoader(input.reader, input.plan);
  const keep = (r: SluiceRecord) => r.status === "ready" || r.status === "invalid";
  const manifestFolders = new Set(input.plan.manifestKeys.map(folderOf));
  const place = { bucket: input.bucket, objectUrlOf: input.objectUrlOf, now: input.now };

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
      : failedGroupResult(folder, [parsed.error]);
    const errors = [...defaults.errors, ...result.errors];
    const type = parsed.ok ? parsed.manifest.type : "image_group";
    const key = groupRecordKey(folder);
    groups.push(toGroupRecord(place, key, type, { ...result, errors }, "pending"));
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
    const key = seriesRecordKey(result.seriesInstanceUid);
    groups.push(toGroupRecord(place, key, "dicom_series", result, "pending"));
    notes.push(...warningNotes(key, result.warnings));
  }

  const records: SluiceRecord[] = [];
  for (const record of input.records) {
    const warnings = lone.get(record.key);
    // Members are marked as the pipeline marks them: their group's key, and held (they leave with it).
    const groupKey = await groupKeyOf(record, (folder) => manifestFolders.has(folder));
    if (warnings) records.push({ ...record, warnings: [...record.warnings, ...warnings] });
    else if (groupKey !== undefined) records.push({ ...record, groupKey, export: { state: "held" } });
    else records.push(record);
  }
  return { records: [...records, ...groups], notes };
}

function warningNotes(key: string, warnings: readonly Issue[]): string[] {
  return warnings.filter((w) => w.code !== "group-incomplete").map((w) => `${key}: ${w.code}: ${w.message}`);
}
