import { GROUP_MANIFEST_FILE_NAME } from "../classify-key";
import { folderOf } from "../groups/group-result";
import type { StoredRecord } from "../ports";
import type { SluiceRecord } from "../record";
import type { PipelineDeps } from "./pipeline-deps";

/** The key of a DICOM series record (a folder's image group is keyed by the folder itself). */
export function seriesRecordKey(seriesUid: string): string {
  return `dicom:${seriesUid}`;
}

/**
 * The group or series a derived record belongs to (design.md "Groups"): an image in a folder with
 * a `_group.json` joins the folder's group, a DICOM file with a SeriesInstanceUID joins its series.
 */
export async function membershipOf(deps: PipelineDeps, record: SluiceRecord): Promise<string | undefined> {
  if (record.status === "deleted") return record.groupKey;
  const uid = record.mediaMetadata?.dicom?.seriesInstanceUid;
  if (record.dataType === "dicom" && uid) return seriesRecordKey(uid);
  if (record.dataType !== "image") return undefined;
  const folder = folderOf(record.key);
  return (await deps.objects.head(`${folder}${GROUP_MANIFEST_FILE_NAME}`)) ? folder : undefined;
}

/** A member's export state: held, except that a member Encord already has stays exported. */
export function memberExport(existing: StoredRecord | null): SluiceRecord["export"] {
  return existing?.export.state === "exported" ? existing.export : { state: "held" };
}

/** Queues the re-assembly of the group or series a record belongs to. */
export async function queueAssembly(deps: PipelineDeps, record: SluiceRecord): Promise<void> {
  const { groupKey } = record;
  if (groupKey === undefined) return;
  const folder = folderOf(record.key);
  if (groupKey.startsWith("dicom:")) {
    const seriesUid = groupKey.slice("dicom:".length);
    await deps.work.send({ type: "assemble-series", bucket: record.bucket, seriesUid, folder });
  } else await deps.work.send({ type: "assemble-group", bucket: record.bucket, folder: groupKey });
}
