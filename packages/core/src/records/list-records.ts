import type { PipelineDeps } from "../pipeline/pipeline-deps";
import type { StoredRecord } from "../ports/record-store";
import { listingSource, matchesFilter, type RecordFilter } from "./listing";

// S3 pages read per request at most, so that a filter matching little cannot keep one request busy.
const MAX_PAGES_PER_REQUEST = 10;

/**
 * One page of the records a filter names, from its one source (`listingSource`): the bucket's listing
 * of the prefix with a batch read of the records (design.md: no prefix index) for data objects, the
 * records table's byStatus index for a status other than `ready` and for groups and series. `position`
 * is where an earlier page of the same listing stopped, as its `cursor`; a page may hold fewer than
 * `limit` records while `cursor` is non-null.
 */
export async function listRecords(
  deps: Pick<PipelineDeps, "objects" | "records">,
  filter: RecordFilter,
  limit: number,
  position: string | null,
): Promise<{ records: StoredRecord[]; cursor: string | null }> {
  const source = listingSource(filter);
  if (source !== "objects")
    return deps.records.listIndexed(deps.objects.bucket, source, filter, position, limit);
  const records: StoredRecord[] = [];
  let next = position;
  for (let page = 0; page < MAX_PAGES_PER_REQUEST && records.length < limit; page += 1) {
    // Never list more keys than records still wanted, so the cursor never skips a match.
    const listed = await deps.objects.list(filter.prefix, next, limit - records.length);
    const found = await deps.records.getMany(deps.objects.bucket, listed.keys);
    records.push(...found.filter((record) => matchesFilter(record, filter)));
    next = listed.cursor;
    if (next === null) break;
  }
  return { records, cursor: next };
}

/** Every record under a prefix, reading at most `maxKeys` keys; `truncated` tells whether more exist. */
export async function scanRecords(
  deps: Pick<PipelineDeps, "objects" | "records">,
  filter: RecordFilter,
  maxKeys: number,
): Promise<{ records: StoredRecord[]; truncated: boolean }> {
  const records: StoredRecord[] = [];
  let cursor: string | null = null;
  let seen = 0;
  do {
    const listed = await deps.objects.list(filter.prefix, cursor, Math.min(1000, maxKeys - seen));
    seen += listed.keys.length;
    const found = await deps.records.getMany(deps.objects.bucket, listed.keys);
    records.push(...found.filter((record) => matchesFilter(record, filter)));
    cursor = listed.cursor;
  } while (cursor !== null && seen < maxKeys);
  return { records, truncated: cursor !== null };
}
