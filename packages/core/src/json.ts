import { z } from "zod";

/** A JSON value, as Encord stores `clientMetadata` (PostgreSQL jsonb). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/**
 * Zod schema for any JSON value, checked by one walk with its own stack: a recursive schema (a lazy
 * union) overflowed the call stack at 3,000 levels and spent a gigabyte on a million values.
 */
export const JsonSchema: z.ZodType<Json> = z.custom<Json>(isJson, { error: "expected a JSON value" });

/** Zod schema for a JSON object (not an array, not null). */
export const JsonObjectSchema: z.ZodType<JsonObject> = z.custom<JsonObject>(
  (value) => isJsonObject(value) && isJson(value),
  { error: "expected a JSON object" },
);

/**
 * Zod schema for a JSON object read back from storage, checked at its top level only: what Sluice
 * stores was validated when it was written, and walking it again on every read cost 79 s on one
 * record (issue 14).
 */
export const StoredJsonObjectSchema: z.ZodType<JsonObject> = z.custom<JsonObject>(isJsonObject, {
  error: "expected a JSON object",
});

/** Tells whether a value is JSON: strings, finite numbers, booleans, null, arrays and plain objects of them. */
export function isJson(value: unknown): value is Json {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next === "string" || typeof next === "boolean") continue;
    if (typeof next === "number") {
      if (!Number.isFinite(next)) return false;
      continue;
    }
    if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
      continue;
    }
    if (typeof next !== "object") return false;
    const prototype = Object.getPrototypeOf(next);
    if (prototype !== Object.prototype && prototype !== null) return false;
    // By key: Object.values of a wide object (in dictionary mode) costs twice its keys.
    for (const key of Object.keys(next)) pending.push(Reflect.get(next, key));
  }
  return true;
}

/** Tells whether a value is a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Serialises JSON with object keys sorted, so that equal values give equal text. */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
