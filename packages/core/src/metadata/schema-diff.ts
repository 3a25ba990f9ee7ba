import { isJsonObject, stableStringify } from "../json";
import type { MetadataSchema, MetadataType } from "./schema";

/** A key whose type differs between Encord's map (`from`) and Sluice's schema (`to`). */
export interface SchemaChange {
  key: string;
  from: unknown;
  to: MetadataType;
}

/** What a push would do to Encord's schema map; `removed` keys become tombstones, never disappear. */
export interface SchemaDiff {
  added: string[];
  changed: SchemaChange[];
  removed: string[];
  unchanged: number;
}

/** The plan of a push: the diff and the whole map to POST, or the retypes Encord forbids. */
export type SchemaPushPlan =
  | { ok: true; diff: SchemaDiff; merged: Record<string, unknown> }
  | { ok: false; forbidden: SchemaChange[] };

/**
 * Plans writing Sluice's schema over Encord's map (encord-api.md §2.6): every key Encord has is kept,
 * a live key Sluice lacks becomes a tombstone holding its type, and a change of type is refused unless
 * it is variant → variant, enum → enum with values only appended, a (re)deletion, or the restore of a
 * soft-deleted key to a type its old one could have become.
 */
export function planSchemaPush(
  next: MetadataSchema,
  current: Record<string, unknown> | null,
): SchemaPushPlan {
  const encord = current ?? {};
  const merged: Record<string, unknown> = { ...encord };
  const diff: SchemaDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  const forbidden: SchemaChange[] = [];
  for (const [key, to] of Object.entries(next)) {
    if (!Object.hasOwn(encord, key)) {
      diff.added.push(key);
      merged[key] = to;
      continue;
    }
    const from = encord[key];
    if (sameType(from, to)) {
      diff.unchanged += 1;
      continue;
    }
    const change = { key, from, to };
    if (!mayBecome(from, to)) forbidden.push(change);
    diff.changed.push(change);
    merged[key] = to;
  }
  for (const [key, from] of Object.entries(encord)) {
    if (Object.hasOwn(next, key)) continue;
    // A key already deleted in Encord stays as it is: deleting it again would say nothing new.
    if (tyOf(from) === "tombstone") {
      diff.unchanged += 1;
      continue;
    }
    diff.removed.push(key);
    merged[key] = { ty: "tombstone", deleted_ty: from };
  }
  return forbidden.length > 0 ? { ok: false, forbidden } : { ok: true, diff, merged };
}

/** Tells whether a push plan changes anything, so that an unchanged schema is not POSTed (as the SDK's `_dirty`). */
export function isEmptySchemaDiff(diff: SchemaDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length === 0;
}

function tyOf(type: unknown): unknown {
  return isJsonObject(type) ? type.ty : undefined;
}

/** Whether a key of type `from` in Encord may be set to `to` (encord-api.md §2.6, encord-import-format.md §5.2). */
function mayBecome(from: unknown, to: MetadataType): boolean {
  if (to.ty === "tombstone") return true;
  if (!isJsonObject(from)) return false;
  // Restoring puts back the deleted type; a hard delete (no deleted type) cannot be restored.
  if (from.ty === "tombstone") return from.deleted_ty != null && mayBecome(from.deleted_ty, to);
  if (sameType(from, to)) return true;
  if (from.ty === "variant" && to.ty === "variant") return true;
  if (from.ty === "enum" && to.ty === "enum" && Array.isArray(from.values)) {
    // The SDK's add_enum_options only appends: every old value must still be there.
    const values = new Set<unknown>(to.values);
    return from.values.every((value) => values.has(value));
  }
  return false;
}

/** Equal types, reading a null field as an absent one (the SDK sends `"api": null`) and enum values as a set (it sorts them). */
function sameType(a: unknown, b: unknown): boolean {
  return stableStringify(normalise(a)) === stableStringify(normalise(b));
}

function normalise(type: unknown): unknown {
  if (!isJsonObject(type)) return type;
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(type)) {
    if (value === null) continue;
    if (field === "deleted_ty") out[field] = normalise(value);
    else if (field === "values" && Array.isArray(value)) out[field] = [...value].map(String).sort();
    else out[field] = value;
  }
  return out;
}
