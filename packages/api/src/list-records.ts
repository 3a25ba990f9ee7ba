import type { PipelineDeps, SluiceRecord, StoredRecord } from "@sluice/core";

/** What a page of records is filtered by; status and type are filtered in memory (no prefix index). */
export interface RecordFilter {
  prefix: string;
  status?: SluiceRecord["status"];
  type?: NonNullable<SluiceRecord["dataType"]>;
}

// S3 pages read per request at most, so that a filter matching little cannot keep one request busy.
const MAX_PAGES_PER_REQUEST = 10;

/**
 * One page of records under a prefix: S3 ListObjectsV2 on the prefix plus a batch read of the records
 * (design.md: no prefix index). Sidecars and defaults have no record and are skipped, and status and
 * type are filtered in memory, so a page may hold fewer than `limit` records while `cursor` is non-null.
 */
export async function listRecords(
  deps: PipelineDeps,
  filter: RecordFilter,
  limit: number,
  cursor: string | null,
): Promise<{ records: StoredRecord[]; cursor: string | null }> {
  const records: StoredRecord[] = [];
  let next = cursor;
  for (let page = 0; page < MAX_PAGES_PER_REQUEST && records.length < limit; page += 1) {
    // Never list more keys than records still wanted, so the cursor never skips a match.
    const listed = await deps.objects.list(filter.prefix, next, limit - records.length);
    const found = await deps.records.getMany(deps.objects.bucket, listed.keys);
    records.push(...found.filter((record) => matches(record, filter)));
    next = listed.cursor;
    if (next === null) break;
  }
  return { records, cursor: next };
}

/** Every record under a prefix, reading at most `maxKeys` keys; `truncated` tells whether more exist. */
export async function scanRecords(
  deps: PipelineDeps,
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
    records.push(...found.filter((record) => matches(record, filter)));
    cursor = listed.cursor;
  } while (cursor !== null && seen < maxKeys);
  return { records, truncated: cursor !== null };
}

function matches(record: StoredRecord, filter: RecordFilter): boolean {
  if (filter.status !== undefined && record.status !== filter.status) return false;
  return filter.type === undefined || record.dataType === filter.type;
}

/** A record as the API shows it: without the write-ordering fields `revision` and `sequencers`. */
export function publicRecord(record: StoredRecord): SluiceRecord {
  const { revision: _revision, sequencers: _sequencers, ...shown } = record;
  return shown;
}
