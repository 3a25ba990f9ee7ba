import { isJsonObject, type JsonObject } from "../json";
import { isValidMetadataKey, type MetadataSchema, type MetadataType, SCHEMA_LIMITS } from "./schema";
import { characterCount, valueSchemaFor } from "./values";

// Inference tests values with the validator's own schemas, so an inferred schema accepts its data.
const DATETIME = valueSchemaFor({ ty: "variant", hint: "datetime" });
const UUID = valueSchemaFor({ ty: "variant", hint: "uuid" });
const GEOSPATIAL = valueSchemaFor({ ty: "geospatial" });

/** The kinds that all resolve to a varchar or text when they are mixed with each other. */
const STRING_KINDS = new Set(["datetime", "uuid", "varchar", "long"]);

/**
 * Infers a metadata schema from `clientMetadata` objects, keys sorted so the result is
 * deterministic. Null values are ignored (a key seen only as null gets no type); `$` keys,
 * `keyframes` and keys the SDK refuses are skipped.
 */
export function inferMetadataSchema(objects: JsonObject[]): MetadataSchema {
  const kinds = new Map<string, Set<string>>();
  for (const object of objects) {
    if (!isJsonObject(object)) continue;
    for (const [key, value] of Object.entries(object)) {
      if (value === null || !isValidMetadataKey(key)) continue;
      const seen = kinds.get(key) ?? new Set<string>();
      seen.add(kindOf(value));
      kinds.set(key, seen);
    }
  }
  const keys = [...kinds.keys()].sort();
  return Object.fromEntries(keys.map((key) => [key, typeFor(kinds.get(key) ?? new Set())]));
}

/** Names the shape of one non-null value; embeddings carry their length, e.g. `embedding:512`. */
function kindOf(value: unknown): string {
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isFinite(value) ? "number" : "other";
  if (typeof value === "string") {
    if (characterCount(value) > SCHEMA_LIMITS.varchar) return "long";
    if (DATETIME.safeParse(value).success) return "datetime";
    return UUID.safeParse(value).success ? "uuid" : "varchar";
  }
  if (Array.isArray(value)) {
    const numeric = value.every((item) => typeof item === "number" && Number.isFinite(item));
    const sized = value.length >= 1 && value.length <= SCHEMA_LIMITS.embeddingSize;
    return numeric && sized ? `embedding:${value.length}` : "other";
  }
  return GEOSPATIAL.safeParse(value).success ? "geospatial" : "other";
}

/**
 * One kind gives its own type. Strings of several kinds give varchar, or text when one is longer
 * than varchar allows. Anything else (mixed kinds, embeddings of different lengths, empty arrays,
 * other objects) gives `variant` with hint `text`: Encord's untyped slot, the SDK's default hint,
 * and what Encord does with keys it cannot type ("treated as strings"); the validator lets it hold
 * any JSON value, so such keys never make a record invalid.
 */
function typeFor(kinds: Set<string>): MetadataType {
  const [only] = kinds;
  if (kinds.size === 1 && only !== undefined) {
    if (only === "boolean" || only === "number" || only === "datetime" || only === "uuid") {
      return { ty: "variant", hint: only };
    }
    if (only === "geospatial") return { ty: "geospatial" };
    if (only.startsWith("embedding:"))
      return { ty: "embedding", size: Number(only.slice("embedding:".length)) };
  }
  if ([...kinds].every((kind) => STRING_KINDS.has(kind))) {
    return { ty: "variant", hint: kinds.has("long") ? "text" : "varchar" };
  }
  return { ty: "variant", hint: "text" };
}
