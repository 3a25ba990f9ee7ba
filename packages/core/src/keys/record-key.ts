/**
 * Record keys (design.md "Records"): a data object's record is keyed by its object key, a folder's
 * image group by the folder with its trailing slash, and a DICOM series, which has no folder of its
 * own, by `dicom:<SeriesInstanceUID>`. No S3 key ends with "/" for a data object, and `dicom:` is not
 * a folder, so the three never meet.
 */
const SERIES_PREFIX = "dicom:";

/** What a record key names: a data object, a folder's image group or a DICOM series. */
export type RecordKey =
  | { kind: "object"; key: string }
  | { kind: "group"; folder: string }
  | { kind: "series"; seriesUid: string };

/** The record key of a folder's image group: the folder, with its trailing slash. */
export function groupRecordKey(folder: string): string {
  return folder;
}

/** The record key of a DICOM series. */
export function seriesRecordKey(seriesUid: string): string {
  return `${SERIES_PREFIX}${seriesUid}`;
}

/** Tells what a record key names. */
export function parseRecordKey(key: string): RecordKey {
  if (key.startsWith(SERIES_PREFIX)) return { kind: "series", seriesUid: key.slice(SERIES_PREFIX.length) };
  if (key.endsWith("/")) return { kind: "group", folder: key };
  return { kind: "object", key };
}
