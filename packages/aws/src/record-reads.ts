import { setTimeout as sleep } from "node:timers/promises";
import { BatchGetCommand, type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
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

/**
 * The main keys of the pendingExport index's entries changed at or before `changedBefore`, oldest first, at
 * most `limit` (a key may appear twice while the index holds a stale entry): each shard of the index is
 * already sorted, so the oldest `limit` of each shard, merged, are enough.
 */
export async function queryPending(
  doc: DynamoDBDocumentClient,
  tableName: string,
  shards: number,
  changedBefore: string,
  limit: number,
): Promise<string[]> {
  if (limit <= 0) return [];
  const perShard = await Promise.all(
    Array.from({ length: shards }, (_, shard) => queryShard(doc, tableName, shard, changedBefore, limit)),
  );
  return perShard
    .flat()
    .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
    .slice(0, limit)
    .map((entry) => entry.pk);
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
