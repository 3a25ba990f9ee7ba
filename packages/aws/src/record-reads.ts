import { setTimeout as sleep } from "node:timers/promises";
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { TransientError } from "@sluice/core";
import { z } from "zod";
import { callDynamo } from "./dynamo-errors";
import { PENDING_EXPORT_INDEX } from "./table";

/** BatchGetItem takes at most 100 keys per request. */
const BATCH_GET_LIMIT = 100;
const UNPROCESSED_ATTEMPTS = 8;

// Only what the merge needs; the whole item is read again from the table, and parsed, by the store.
const KeyedItemSchema = z.object({ pk: z.string() });
const PendingItemSchema = z.object({ pk: z.string(), pendingSk: z.string() });

/** Reads items by main key in chunks of 100, retrying UnprocessedKeys with backoff; answers pk → item. */
export async function batchGetItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pks: readonly string[],
): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  // BatchGetItem rejects a request that names a key twice.
  const unique = [...new Set(pks)];
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    let keys: Record<string, unknown>[] = unique.slice(start, start + BATCH_GET_LIMIT).map((pk) => ({ pk }));
    for (let attempt = 0; keys.length > 0; attempt += 1) {
      if (attempt >= UNPROCESSED_ATTEMPTS) {
        throw new TransientError(`BatchGetItem on ${tableName}: ${keys.length} keys still unprocessed`);
      }
      if (attempt > 0) await sleep(25 * 2 ** attempt);
      const request = { [tableName]: { Keys: keys, ConsistentRead: true } };
      const out = await callDynamo(`BatchGetItem on ${tableName}`, () =>
        doc.send(new BatchGetCommand({ RequestItems: request })),
      );
      for (const item of out.Responses?.[tableName] ?? []) {
        const pk = KeyedItemSchema.safeParse(item);
        if (pk.success) found.set(pk.data.pk, item);
      }
      keys = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}

/** Index entries one Scan of the whole pendingExport index reads, by default, before the listing queries it shard by shard. */
export const PENDING_PROBE_ENTRIES = 1_000;

/**
 * The main keys of the pendingExport index's entries changed at or before `changedBefore`, oldest first, at
 * most `limit` (a key may appear twice while the index holds a stale entry). The index is sparse (an entry
 * only while a record is pending), so one Scan of it usually reads it whole: an idle run costs one request,
 * not one per shard. When the Scan stops before the end, each shard is queried: each shard of the index is
 * already sorted, so the oldest `limit` of each shard, merged, are enough.
 */
export async function queryPending(
  doc: DynamoDBDocumentClient,
  tableName: string,
  index: { shards: number; probe: number },
  changedBefore: string,
  limit: number,
): Promise<string[]> {
  if (limit <= 0) return [];
  const { shards, probe } = index;
  const whole = probe > 0 ? await scanPendingIndex(doc, tableName, changedBefore, probe) : null;
  const entries =
    whole ??
    (
      await Promise.all(
        Array.from({ length: shards }, (_, shard) => queryShard(doc, tableName, shard, changedBefore, limit)),
      )
    ).flat();
  return entries
    .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
    .slice(0, limit)
    .map((entry) => entry.pk);
}

/**
 * Every entry of the pendingExport index changed at or before `changedBefore`, when one Scan page holds the
 * whole index; null when it does not (more than `probe` entries, or a 1 MB page of large items).
 */
async function scanPendingIndex(
  doc: DynamoDBDocumentClient,
  tableName: string,
  changedBefore: string,
  probe: number,
): Promise<{ sk: string; pk: string }[] | null> {
  const out = await callDynamo(`Scan ${PENDING_EXPORT_INDEX}`, () =>
    doc.send(
      new ScanCommand({
        TableName: tableName,
        IndexName: PENDING_EXPORT_INDEX,
        ProjectionExpression: "pk, pendingSk",
        Limit: probe,
      }),
    ),
  );
  if (out.LastEvaluatedKey !== undefined) return null;
  // As the shard queries' key condition: a pk starts with an ASCII bucket name, so "#" then U+FFFF sorts after
  // every pk of the same instant in JavaScript's order as in DynamoDB's.
  const bound = `${changedBefore}#\uffff`;
  return (out.Items ?? []).flatMap((item) => {
    const parsed = PendingItemSchema.safeParse(item);
    return parsed.success && parsed.data.pendingSk <= bound
      ? [{ sk: parsed.data.pendingSk, pk: parsed.data.pk }]
      : [];
  });
}

async function queryShard(
  doc: DynamoDBDocumentClient,
  tableName: string,
  shard: number,
  changedBefore: string,
  limit: number,
): Promise<{ sk: string; pk: string }[]> {
  const entries: { sk: string; pk: string }[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const out = await callDynamo(`Query ${PENDING_EXPORT_INDEX} shard ${shard}`, () =>
      doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: PENDING_EXPORT_INDEX,
          // pendingSk is `<updatedAt>#<pk>`: "#" then U+FFFF sorts after every pk of that same instant,
          // as pks start with an ASCII bucket name. ISO times of one precision sort as strings.
          KeyConditionExpression: "pendingPk = :shard AND pendingSk <= :bound",
          ExpressionAttributeValues: { ":shard": `pending#${shard}`, ":bound": `${changedBefore}#\uffff` },
          // The index's copy of the item is not used (listPending reads the table): only its keys travel.
          ProjectionExpression: "pk, pendingSk",
          Limit: limit - entries.length,
          ExclusiveStartKey: cursor,
        }),
      ),
    );
    for (const item of out.Items ?? []) {
      const parsed = PendingItemSchema.safeParse(item);
      if (parsed.success) entries.push({ sk: parsed.data.pendingSk, pk: parsed.data.pk });
    }
    cursor = out.LastEvaluatedKey;
  } while (cursor !== undefined && entries.length < limit);
  return entries;
}
