import type { S3Client } from "@aws-sdk/client-s3";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { NotFoundError, type RecordStore, type StoredRecord } from "@sluice/core";
import { callDynamo, isConditionFailed, toDynamoError } from "./dynamo-errors";
import { createOverflowStore } from "./overflow";
import { createIndexListing } from "./record-index-listing";
import {
  fromItem,
  itemSize,
  OverflowPointerSchema,
  parseRecordItem,
  type RecordItem,
  recordPk,
  toItem,
} from "./record-item";
import { batchGetItems, PENDING_PROBE_ENTRIES, queryPending } from "./record-reads";
import { createRecordScan } from "./record-scan";

/** What the record store needs: clients built elsewhere, the table, and the exports bucket for overflow. */
export interface RecordStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  s3: S3Client;
  exportsBucket: string;
  /** Partitions of each sparse index; changing it strands items written under the old count. */
  shards?: number;
  /**
   * Entries of the pendingExport index one Scan reads before the pending listing queries it shard by shard
   * (see `queryPending`); 0: query the shards at once.
   */
  pendingProbeEntries?: number;
}

/** Items above this move their payload to S3: under DynamoDB's 400 KB, with room for index attributes. */
export const MAX_INLINE_ITEM_BYTES = 350 * 1024;

// A payload replaced between the read of its item and of its object is gone; re-reading the item finds the new one.
const PAYLOAD_READ_ATTEMPTS = 3;

/** Creates the record store over the records table (design.md "Records"); leases, flags, schema and jobs share the table through their own adapters. */
export function createRecordStore(options: RecordStoreOptions): RecordStore {
  const { doc, tableName, shards = 16, pendingProbeEntries = PENDING_PROBE_ENTRIES } = options;
  const overflow = createOverflowStore(options.s3, options.exportsBucket);

  async function readItem(pk: string): Promise<unknown> {
    const read = new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true });
    return (await callDynamo(`GetItem ${pk}`, () => doc.send(read))).Item;
  }

  async function hydrate(raw: unknown): Promise<StoredRecord> {
    let item: RecordItem = parseRecordItem(raw);
    for (let attempt = 1; ; attempt += 1) {
      if (item.payload !== undefined) return fromItem(item, item.payload);
      if (item.overflow === undefined)
        throw new Error(`the item ${item.pk} has neither payload nor overflow`);
      try {
        return fromItem(item, await overflow.read(item.overflow));
      } catch (error) {
        if (!(error instanceof NotFoundError) || attempt >= PAYLOAD_READ_ATTEMPTS) throw error;
        const fresh = await readItem(item.pk);
        if (fresh === undefined) throw error;
        item = parseRecordItem(fresh);
      }
    }
  }

  /**
   * Sets a record's export state at `revision + 1` if its revision is still `revision`; answers the item as
   * the write left it (ALL_NEW), or null when the condition failed.
   */
  async function setExportState(
    pk: string,
    revision: number,
    state: StoredRecord["export"],
    extra: string,
  ): Promise<unknown> {
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk },
          UpdateExpression: `SET #export = :export, #revision = :next${extra}`,
          ConditionExpression: "#revision = :revision",
          ExpressionAttributeNames: { "#export": "export", "#revision": "revision" },
          ExpressionAttributeValues: { ":export": state, ":revision": revision, ":next": revision + 1 },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes ?? null;
    } catch (error) {
      if (isConditionFailed(error)) return null;
      throw toDynamoError(error, `UpdateItem ${pk}`);
    }
  }

  /** Records by main key, consistently, in the order asked, each once, missing ones left out. */
  async function readMany(pks: readonly string[]): Promise<StoredRecord[]> {
    const found = await batchGetItems(doc, tableName, pks);
    const items = [...new Set(pks)].flatMap((pk) => {
      const raw = found.get(pk);
      return raw === undefined ? [] : [raw];
    });
    return Promise.all(items.map(hydrate));
  }

  return {
    async get(bucket, key) {
      const raw = await readItem(recordPk(bucket, key));
      return raw === undefined ? null : hydrate(raw);
    },

    async getMany(bucket, keys) {
      return readMany(keys.map((key) => recordPk(bucket, key)));
    },

    async put(record, expectedRevision) {
      const { item, payload } = toItem(record, shards);
      const pointer =
        itemSize({ ...item, payload }) > MAX_INLINE_ITEM_BYTES
          ? await overflow.write(item.pk, record.revision, payload)
          : undefined;
      if (pointer === undefined) item.payload = payload;
      else item.overflow = pointer;
      let previous: unknown;
      try {
        const out = await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ...(expectedRevision === null
              ? { ConditionExpression: "attribute_not_exists(pk)" }
              : {
                  ConditionExpression: "#revision = :expected",
                  ExpressionAttributeNames: { "#revision": "revision" },
                  ExpressionAttributeValues: { ":expected": expectedRevision },
                }),
            ReturnValues: "ALL_OLD",
          }),
        );
        previous = out.Attributes?.overflow;
      } catch (error) {
        // Only a failed condition proves the item was not written; after a timeout it may have been.
        if (pointer !== undefined && isConditionFailed(error)) await overflow.discard(pointer.key);
        throw toDynamoError(error, `PutItem ${item.pk} (expected revision ${expectedRevision ?? "none"})`);
      }
      const old = OverflowPointerSchema.safeParse(previous);
      if (old.success && old.data.key !== pointer?.key) await overflow.discard(old.data.key);
    },

    async listPending(changedBefore, limit) {
      const pks = await queryPending(
        doc,
        tableName,
        { shards, probe: pendingProbeEntries },
        changedBefore,
        limit,
      );
      // The index's copies only name candidates: an index read is eventually consistent in AWS, and dynalite
      // writes index entries before their item, so a kill -9 between the two leaves an entry of a write that
      // never happened, forever. Each candidate is read again from the table, consistently.
      const records = await readMany(pks);
      return records.filter((r) => r.export.state === "pending" && r.updatedAt <= changedBefore);
    },

    // Claim and mark move the revision: a writer that read the record before them must read it again,
    // or its write would put back the pending state it read and the entry would be exported twice.
    async claimExport(bucket, key, revision, file) {
      // Still pending (the index entry stays), so a crash before the file is written loses nothing.
      const claimed = await setExportState(recordPk(bucket, key), revision, { state: "pending", file }, "");
      return claimed === null ? null : hydrate(claimed);
    },

    async setEncord(bucket, key, encord) {
      const pk = recordPk(bucket, key);
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk },
            UpdateExpression: "SET #encord = :encord ADD #revision :one",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: { "#encord": "encord", "#revision": "revision" },
            ExpressionAttributeValues: { ":encord": encord, ":one": 1 },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw toDynamoError(error, `UpdateItem ${pk}`);
      }
    },

    async markExported(bucket, key, revision, file, at) {
      const exported = { state: "exported" as const, file, at };
      const marked = await setExportState(
        recordPk(bucket, key),
        revision,
        exported,
        " REMOVE pendingPk, pendingSk",
      );
      return marked !== null;
    },

    ...createRecordScan(doc, tableName),
    ...createIndexListing(doc, tableName, shards, readMany),
  };
}
