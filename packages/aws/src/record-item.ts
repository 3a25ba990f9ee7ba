import { createHash } from "node:crypto";
import {
  isGroupType,
  ProvenanceSchema,
  SluiceRecordSchema,
  StoredJsonObjectSchema,
  type StoredRecord,
} from "@sluice/core";
import { z } from "zod";

/** Zod schema for a stored record: the public record plus `revision` and the per-source-key sequencers. */
export const StoredRecordSchema = SluiceRecordSchema.extend({
  revision: z.number().int().nonnegative(),
  sequencers: z.record(z.string(), z.string()),
});

/**
 * The free-form JSON fields, stored together as one JSON string (`payload`) and moved together to the
 * exports bucket when the item would be too large. A string, not a DynamoDB map, because a map cannot
 * hold every JSON value: lib-dynamodb refuses numbers beyond ±2^53, DynamoDB refuses numbers outside
 * 1e-130…1e126 and nesting deeper than 32 levels; a string round-trips exactly and has an exact size.
 * Its values were validated once, when they were written (sidecar, defaults and API limits, the
 * metadata schema, the import format); read back, only their top level is checked, since a walk of
 * every value on every read made one 6.4 MB sidecar cost 79 s and 1 GB per read (issue 14).
 */
export const PayloadSchema = z.object({
  clientMetadata: StoredJsonObjectSchema,
  provenance: ProvenanceSchema,
  importEntry: StoredJsonObjectSchema.nullable(),
  apiLayer: StoredJsonObjectSchema.nullable().optional(),
});
export type Payload = z.infer<typeof PayloadSchema>;

/** Where an overflowed payload lives in the exports bucket, and its hash. */
export const OverflowPointerSchema = z.object({ key: z.string(), sha256: z.string() });
export type OverflowPointer = z.infer<typeof OverflowPointerSchema>;

// The record's fields that stay in the item whatever its size.
const RecordFieldsSchema = StoredRecordSchema.omit({
  clientMetadata: true,
  provenance: true,
  importEntry: true,
  apiLayer: true,
});

/** Zod schema for a record item as read back: the record minus its payload, plus the payload or a pointer. */
export const RecordItemSchema = RecordFieldsSchema.extend({
  pk: z.string(),
  payload: z.string().optional(),
  overflow: OverflowPointerSchema.optional(),
});
export type RecordItem = z.infer<typeof RecordItemSchema>;

/** Parses an item read from the table as a record item, or throws naming what is wrong. */
export function parseRecordItem(raw: unknown): RecordItem {
  const parsed = RecordItemSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new Error(`a records-table item is not a record: ${parsed.error.message}`, { cause: parsed.error });
}

/** A record item as written; the index attributes are present only while they apply (sparse indexes). */
export type ItemToWrite = Record<string, unknown> & { pk: string };

/** The main key of a record: `<bucket>#<key>` (bucket names cannot contain `#`). */
export function recordPk(bucket: string, key: string): string {
  return `${bucket}#${key}`;
}

/** The index shard of a main key: a stable hash, so that a record stays in its shard across writes. */
export function shardOf(pk: string, shards: number): number {
  return createHash("sha256").update(pk).digest().readUInt32BE(0) % shards;
}

/**
 * The byStatus partitions a record's entry is in (design.md "Records"; `GET /records` reads them): every
 * group and series record under `group#<shard>`, whatever its status, since the bucket lists no object of
 * theirs; any other record under `status#<shard>` while it is not `ready`; null: no entry. Both sort by
 * `<status>#<updatedAt>#<pk>`.
 */
export function statusPartitionOf(
  record: Pick<StoredRecord, "dataType" | "status">,
): "group" | "status" | null {
  if (isGroupType(record.dataType)) return "group";
  return record.status === "ready" ? null : "status";
}

/** Splits a record into its item (with the sparse index attributes it needs now) and its payload text. */
export function toItem(record: StoredRecord, shards: number): { item: ItemToWrite; payload: string } {
  const { clientMetadata, provenance, importEntry, apiLayer, ...rest } = record;
  // Parsing strips fields the type allows but the table must not store (extra properties, undefined).
  const fields = withoutUndefined(RecordFieldsSchema.parse(rest));
  const pk = recordPk(record.bucket, record.key);
  const shard = shardOf(pk, shards);
  const item: ItemToWrite = { ...(isObject(fields) ? fields : {}), pk };
  const statusPartition = statusPartitionOf(record);
  if (statusPartition !== null) {
    item.statusPk = `${statusPartition}#${shard}`;
    item.statusSk = `${record.status}#${record.updatedAt}#${pk}`;
  }
  if (record.export.state === "pending") {
    item.pendingPk = `pending#${shard}`;
    item.pendingSk = `${record.updatedAt}#${pk}`;
  }
  const payload: Payload = { clientMetadata, provenance, importEntry, ...(apiLayer ? { apiLayer } : {}) };
  return { item, payload: JSON.stringify(payload) };
}

/** Joins an item read back and its payload text into the record, validating both. */
export function fromItem(item: RecordItem, payloadText: string): StoredRecord {
  const parsed: unknown = JSON.parse(payloadText);
  const payload = PayloadSchema.parse(parsed);
  const { pk: _pk, payload: _payload, overflow: _overflow, ...fields } = item;
  return { ...fields, ...payload };
}

/**
 * The size DynamoDB counts for an item: attribute names plus values (strings and names as UTF-8 bytes,
 * numbers at one byte per two digits plus one, 3 bytes plus one per element for lists and maps). Numbers
 * are counted from their full decimal text, so the figure is an upper bound.
 */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += Buffer.byteLength(name, "utf8") + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (typeof value === "number") return Math.ceil(String(Math.abs(value)).length / 2) + 1;
  if (Array.isArray(value)) return value.reduce<number>((sum, element) => sum + 1 + valueSize(element), 3);
  if (isObject(value)) return 3 + Object.keys(value).length + itemSize(value);
  return 1;
}

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (field !== undefined) out[name] = withoutUndefined(field);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
