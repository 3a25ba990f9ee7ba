import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import {
  InvalidCursorError,
  isGroupType,
  matchesFilter,
  RECORD_STATUSES,
  type RecordFilter,
  type RecordStore,
  type StoredRecord,
} from "@sluice/core";
import { z } from "zod";
import { callDynamo } from "./dynamo-errors";
import { recordPk } from "./record-item";
import { BY_STATUS_INDEX } from "./table";

// Entries one Query reads (before its filter), and Queries per partition per page: a filter that matches
// little ends a page early with a cursor rather than keeping one request busy.
const ENTRIES_PER_QUERY = 200;
const QUERIES_PER_PARTITION = 2;

const EntrySchema = z.object({ pk: z.string(), statusSk: z.string() });
const StartSchema = z.object({ statusSk: z.string() });

/** One partition's entries after a position, and how far it was read (null: to its end). */
interface PartitionRead {
  entries: { pk: string; sk: string }[];
  reachedSk: string | null;
}

/**
 * `listIndexed` over the byStatus index (see `statusPartitionOf`): the partitions of the source, every
 * shard, are read in parallel from the cursor on and merged by sort key. A page holds only entries every
 * partition has been read up to, so that no entry falls between two pages; its cursor is the sort key of
 * its last entry, or of how far all partitions were read when a filter matched less than a page.
 */
export function createIndexListing(
  doc: DynamoDBDocumentClient,
  tableName: string,
  shards: number,
  read: (pks: readonly string[]) => Promise<StoredRecord[]>,
): Pick<RecordStore, "listIndexed"> {
  async function readPartition(
    partition: string,
    range: SortRange,
    filter: QueryFilter,
    after: string | null,
    limit: number,
  ): Promise<PartitionRead> {
    const entries: PartitionRead["entries"] = [];
    let start: Record<string, unknown> | undefined;
    for (let query = 0; query < QUERIES_PER_PARTITION; query += 1) {
      const out = await callDynamo(`Query ${BY_STATUS_INDEX} ${partition}`, () =>
        doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: BY_STATUS_INDEX,
            KeyConditionExpression: ["statusPk = :partition", ...range.condition].join(" AND "),
            FilterExpression: filter.expression,
            ProjectionExpression: "pk, statusSk",
            ExpressionAttributeNames: filter.names,
            ExpressionAttributeValues: { ":partition": partition, ...range.values, ...filter.values },
            Limit: ENTRIES_PER_QUERY,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of out.Items ?? []) {
        const entry = EntrySchema.parse(item);
        // The range starts at the cursor itself, which the page before already took or passed over.
        if (entry.statusSk !== after) entries.push({ pk: entry.pk, sk: entry.statusSk });
      }
      start = out.LastEvaluatedKey;
      if (start === undefined) return { entries, reachedSk: null };
      if (entries.length >= limit) break;
    }
    return { entries, reachedSk: StartSchema.parse(start).statusSk };
  }

  return {
    async listIndexed(bucket, source, filter, after, limit) {
      const range = sortRange(filter.status, after);
      const families = source === "status" ? ["status", "group"] : ["group"];
      const partitions = families.flatMap((family) =>
        Array.from({ length: shards }, (_, shard) => `${family}#${shard}`),
      );
      const queryFilter = filterOf(bucket, filter);
      const reads = await Promise.all(
        partitions.map((partition) => readPartition(partition, range, queryFilter, after, limit)),
      );
      // Every partition has been read up to `bound`: entries past it may have neighbours not read yet.
      const reached = reads.flatMap((r) => (r.reachedSk === null ? [] : [r.reachedSk]));
      const bound = reached.sort(byteOrder)[0] ?? null;
      const ready = reads
        .flatMap((r) => r.entries)
        .filter((entry) => bound === null || byteOrder(entry.sk, bound) <= 0)
        .sort((a, b) => byteOrder(a.sk, b.sk));
      const page = ready.slice(0, limit);
      const last = page.at(-1);
      const full = page.length === limit && last !== undefined;
      const cursor = full && (ready.length > limit || bound !== null) ? last.sk : full ? null : bound;
      // The index's copies only name candidates (eventually consistent in AWS, written before their item
      // by dynalite): each is read again from the table, and left out unless it still matches.
      const records = await read(page.map((entry) => entry.pk));
      const wanted = (record: StoredRecord) =>
        matchesFilter(record, filter) && (source === "status" || isGroupType(record.dataType));
      return { records: records.filter(wanted), cursor };
    },
  };
}

/** DynamoDB's order of strings: by their UTF-8 bytes (JavaScript's `<` compares UTF-16 code units). */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** A key condition on the sort key (none: the whole partition) and its values. */
interface SortRange {
  condition: string[];
  values: Record<string, string>;
}

/**
 * The sort keys of a listing (`<status>#<updatedAt>#<pk>`) from a cursor on, inclusive: one status, or
 * any. A cursor outside them was made for another listing.
 */
function sortRange(status: RecordFilter["status"], after: string | null): SortRange {
  const statuses = status === undefined ? RECORD_STATUSES : [status];
  // A status and `#` are followed by a time's digit, which sorts below U+FFFF (as in queryPending).
  if (after !== null && !statuses.some((s) => after.startsWith(`${s}#`) && after < `${s}#\uffff`))
    throw new InvalidCursorError("the cursor was not given out by this listing");
  if (status === undefined)
    return after === null
      ? { condition: [], values: {} }
      : { condition: ["statusSk >= :from"], values: { ":from": after } };
  const range = { ":from": after ?? `${status}#`, ":to": `${status}#\uffff` };
  return { condition: ["statusSk BETWEEN :from AND :to"], values: range };
}

interface QueryFilter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, string>;
}

/**
 * The index-side filter of a listing: the bucket, the prefix and the type. It only spares reading back
 * entries that cannot match; `matchesFilter` decides on each record read back. A DICOM series sits under
 * a prefix by its title (`listingPlace`), so either form of place may match.
 */
function filterOf(bucket: string, filter: RecordFilter): QueryFilter {
  const names: Record<string, string> = { "#pk": "pk", "#type": "dataType", "#title": "title" };
  const values: Record<string, string> = {
    ":place": recordPk(bucket, filter.prefix),
    ":bucket": recordPk(bucket, ""),
    ":prefix": filter.prefix,
    ":series": "dicom_series",
  };
  const place =
    "(begins_with(#pk, :place) OR (#type = :series AND begins_with(#pk, :bucket) AND begins_with(#title, :prefix)))";
  if (filter.type === undefined) return { expression: place, names, values };
  return { expression: `${place} AND #type = :type`, names, values: { ...values, ":type": filter.type } };
}
