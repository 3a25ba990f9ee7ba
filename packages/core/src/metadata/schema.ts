import { z } from "zod";
import { type Issue, issue } from "../issues";
import { isJsonObject } from "../json";
import { type MetadataType, MetadataTypeSchema, upgradeLegacyType } from "./type";

export {
  describeType,
  type LiveMetadataType,
  type MetadataType,
  MetadataTypeSchema,
  SCHEMA_LIMITS,
  VARIANT_HINTS,
} from "./type";

/** Why a key cannot be a schema key, following the SDK's `_is_valid_metadata_key`, or undefined. */
function keyProblem(key: string): string | undefined {
  if (key === "") return "is empty";
  if (key.startsWith("$")) return 'starts with "$", which Encord reserves';
  const core = key.replace(/[-_ .]/g, "");
  if (core === "") return "has no letter or digit";
  if (core === "keyframes") return "is reserved (the deprecated keyframes list)";
  // \p{L} and \p{N} are what Python's str.isalnum() accepts, so non-ASCII letters pass as in the SDK.
  if (!/^[\p{L}\p{N}]+$/u.test(core)) return 'may hold only letters, digits, "-", "_", " " and "."';
  return undefined;
}

/** Tells whether Encord accepts a key in its metadata schema (the SDK's `_is_valid_metadata_key`). */
export function isValidMetadataKey(key: string): boolean {
  return keyProblem(key) === undefined;
}

/** Zod schema for a whole metadata schema: v2 objects, v1 flat names or aliases, all read as v2. */
export const MetadataSchemaSchema = z.record(
  z.string().refine(isValidMetadataKey, { error: "invalid metadata schema key" }),
  MetadataTypeSchema,
);
export type MetadataSchema = z.infer<typeof MetadataSchemaSchema>;

/** Formats a zod path as `a.b[3]`, the path style of metadata issues. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === "number") return `${out}[${part}]`;
    return out === "" ? String(part) : `${out}.${String(part)}`;
  }, "");
}

/** Parses a metadata schema in any accepted form, listing every bad key and type instead of throwing. */
export function parseMetadataSchema(
  input: unknown,
): { ok: true; schema: MetadataSchema; warnings: Issue[] } | { ok: false; errors: Issue[] } {
  if (!isJsonObject(input)) {
    return {
      ok: false,
      errors: [issue("invalid-schema", "the metadata schema must be a JSON object of key → type")],
    };
  }
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const entries: [string, MetadataType][] = [];
  for (const [key, value] of Object.entries(input)) {
    const problem = keyProblem(key);
    if (problem !== undefined) {
      errors.push(issue("invalid-schema-key", `key ${problem}`, key));
      continue;
    }
    const parsed = MetadataTypeSchema.safeParse(value);
    if (!parsed.success) {
      for (const found of parsed.error.issues) {
        errors.push(issue("invalid-schema-type", found.message, formatPath([key, ...found.path])));
      }
      continue;
    }
    const legacy = upgradeLegacyType(value).legacy;
    if (legacy !== undefined) warnings.push(issue("legacy-schema-type", legacy, key));
    entries.push([key, parsed.data]);
  }
  // fromEntries keeps a key such as "__proto__" as an ordinary own property.
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, schema: Object.fromEntries(entries), warnings };
}
