import { groupRecordKey, seriesRecordKey } from "../keys/record-key";
import type { SluiceRecord } from "../records/record";
import { folderOf } from "./group-result";

/**
 * The group or series a data object is a member of (design.md "Groups"), the one rule for the pipeline
 * and the scan: a DICOM file with a SeriesInstanceUID joins its series, an image joins its folder's
 * group when the folder has a `_group.json`. `hasManifest` is asked only for images.
 */
export async function groupKeyOf(
  record: Pick<SluiceRecord, "key" | "dataType" | "mediaMetadata">,
  hasManifest: (folder: string) => boolean | Promise<boolean>,
): Promise<string | undefined> {
  const uid = record.mediaMetadata?.dicom?.seriesInstanceUid;
  if (record.dataType === "dicom" && uid) return seriesRecordKey(uid);
  if (record.dataType !== "image") return undefined;
  const folder = folderOf(record.key);
  return (await hasManifest(folder)) ? groupRecordKey(folder) : undefined;
}
