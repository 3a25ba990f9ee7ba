import { parseRecordKey } from "../keys/record-key";
import { GROUP_TYPES, type GroupType } from "../typing/data-type";
import type { RecordStatus, SluiceRecord } from "./record";

/** Any record's type: a data object's, a group's or a series'. */
export type RecordType = NonNullable<SluiceRecord["dataType"]>;

/** Tells whether a record type is a group's or a series'. */
export function isGroupType(type: string | null | undefined): type is GroupType {
  return GROUP_TYPES.some((group) => group === type);
}

/** What a listing of records (`GET /records`) is filtered by. */
export interface RecordFilter {
  prefix: string;
  status?: RecordStatus;
  type?: RecordType;
}

/**
 * Where a listing reads; one source per filter, so that each filter names what it lists and pages hold:
 * - `groups` (a group or series type): group and series records of any status, from the records table;
 * - `status` (a status other than `ready`): records in that status, objects and groups alike, from the
 *   records table (tombstones included: their objects are gone);
 * - `objects` (anything else): the data objects the bucket lists under the prefix, with their records.
 */
export type ListingSource = "objects" | "status" | "groups";

/** The source that answers a filter (see ListingSource). */
export function listingSource(filter: RecordFilter): ListingSource {
  if (isGroupType(filter.type)) return "groups";
  if (filter.status !== undefined && filter.status !== "ready") return "status";
  return "objects";
}

/**
 * Where a record sits under a prefix: its key; a DICOM series, keyed by its SeriesInstanceUID, sits
 * in its folder, which starts its title (the exporter routes series by title for the same reason).
 */
export function listingPlace(record: Pick<SluiceRecord, "key" | "title" | "dataType">): string {
  return parseRecordKey(record.key).kind === "series" ? record.title : record.key;
}

/** Tells whether a record belongs to a filtered listing. */
export function matchesFilter(
  record: Pick<SluiceRecord, "key" | "title" | "dataType" | "status">,
  filter: RecordFilter,
): boolean {
  if (filter.status !== undefined && record.status !== filter.status) return false;
  if (filter.type !== undefined && record.dataType !== filter.type) return false;
  return listingPlace(record).startsWith(filter.prefix);
}
