import { assembleImageGroup } from "../groups/assemble-group";
import { assembleDicomSeries } from "../groups/assemble-series";
import { failedGroupResult, type GroupResult, toGroupRecord } from "../groups/group-result";
import { readManifest } from "../groups/read-group-inputs";
import { issue } from "../issues";
import type { AssembleGroupMessage, AssembleSeriesMessage } from "../jobs/work-message";
import { GROUP_MANIFEST_FILE_NAME } from "../keys/classify-key";
import { seriesRecordKey } from "../keys/record-key";
import type { StoredRecord } from "../ports/record-store";
import type { SluiceRecord } from "../records/record";
import { tombstone } from "../records/tombstone";
import { assemblyFlag } from "./group-membership";
import { folderDefaults, folderRecords, holdMembers, membersSentAlone, storeGroup } from "./group-store";
import type { PipelineDeps } from "./pipeline-deps";

/** What one assembly did to its group record. */
export type AssembleOutcome = "written" | "unchanged" | "ignored";

const usable = (r: SluiceRecord) => r.status === "ready" || r.status === "invalid";

/**
 * Re-assembles a folder's image group from storage as it is now (design.md "Groups"): its
 * `_group.json`, the records of the objects directly in the folder and the folder's defaults. Image
 * members are marked held, and the group record is written; it is pending once complete.
 */
export async function assembleGroupPage(
  deps: PipelineDeps,
  message: AssembleGroupMessage,
): Promise<AssembleOutcome> {
  const { folder } = message;
  const manifestKey = `${folder}${GROUP_MANIFEST_FILE_NAME}`;
  // Lowered before the folder is read: a member written after this queues the next assembly.
  await deps.flags.lower(assemblyFlag(message));
  return storeGroup(deps, folder, message.force ?? false, async (existing) => {
    if ((await deps.objects.head(manifestKey)) === null) return groupTombstone(deps, existing);
    const records = await folderRecords(deps, folder);
    const images = records.filter((r) => r.dataType === "image");
    await holdMembers(deps, images, folder);
    const sentAlone = await membersSentAlone(deps, images);
    const parsed = await readManifest(deps.objects, manifestKey);
    const defaults = await folderDefaults(deps, folder);
    const result: GroupResult = parsed.ok
      ? assembleImageGroup({
          manifestKey,
          manifest: parsed.manifest,
          members: records.filter(usable).map((record) => ({ key: record.key, record })),
          folderDefaults: defaults.metadata,
          schema: await deps.schema.get(),
          objectUrlOf: deps.settings.objectUrlOf,
        })
      : failedGroupResult(folder, [parsed.error]);
    const type = parsed.ok ? parsed.manifest.type : "image_group";
    const errors = [...defaults.errors, ...result.errors];
    const warnings = [...result.warnings, ...sentAlone];
    return toGroupRecord(placeOf(deps), folder, type, { ...result, errors, warnings }, "held");
  });
}

/**
 * Re-assembles one DICOM series of a folder from the records of the folder's DICOM files now:
 * ordered by InstanceNumber; the series record goes pending when its entry changes, and the
 * exporter's settle window over its `updatedAt` exports it once the series is quiet.
 */
export async function assembleSeriesPage(
  deps: PipelineDeps,
  message: AssembleSeriesMessage,
): Promise<AssembleOutcome> {
  const { folder, seriesUid } = message;
  const key = seriesRecordKey(seriesUid);
  await deps.flags.lower(assemblyFlag(message));
  return storeGroup(deps, key, message.force ?? false, async (existing) => {
    const records = await folderRecords(deps, folder);
    const files = records.filter(
      (r) => r.dataType === "dicom" && usable(r) && r.mediaMetadata?.dicom?.seriesInstanceUid === seriesUid,
    );
    const defaults = await folderDefaults(deps, folder);
    const [result] = assembleDicomSeries(
      files.map((record) => ({ key: record.key, record })),
      { defaultsFor: () => defaults.metadata, objectUrlOf: deps.settings.objectUrlOf },
    );
    if (result === undefined) return groupTombstone(deps, existing);
    const errors = [...defaults.errors, ...result.errors];
    return toGroupRecord(placeOf(deps), key, "dicom_series", { ...result, errors }, "held");
  });
}

/** Where the pipeline's group records are kept; held when ready, until `storeGroup` decides their export. */
function placeOf(deps: PipelineDeps) {
  return { bucket: deps.objects.bucket, objectUrlOf: deps.settings.objectUrlOf, now: deps.now() };
}

/** A group record marked deleted when its manifest or its last member is gone; null when there is none. */
function groupTombstone(deps: PipelineDeps, existing: StoredRecord | null): SluiceRecord | null {
  if (existing === null || existing.status === "deleted") return null;
  const why = issue(
    "group-deleted",
    "its _group.json or its last member is gone; it leaves every later export",
  );
  return tombstone(existing, deps.now(), why);
}
