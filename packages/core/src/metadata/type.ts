import { z } from "zod";
import { isJsonObject, JsonSchema } from "../json";

/** The scalar hints of Encord's `variant` type (encord-import-format.md §5.2). */
export const VARIANT_HINTS = ["number", "varchar", "text", "boolean", "datetime", "uuid"] as const;

/** Encord's limits: varchar length, enum values (`add_enum` refuses 256) and embedding size. */
export const SCHEMA_LIMITS = { varchar: 8192, enumValues: 255, embeddingSize: 4096 } as const;

const LIVE_TYPE_NAMES =
  "variant, enum, embedding, geospatial, number, boolean, text, uuid, user, varchar, datetime";

const MAX_LENGTH_ERROR = `max_length must be an integer from 0 to ${SCHEMA_LIMITS.varchar}`;

const LIVE_TYPES = [
  z.object({
    ty: z.literal("variant"),
    hint: z
      .enum(VARIANT_HINTS, {
        error: `hint must be one of ${VARIANT_HINTS.join(", ")}, string or long_string`,
      })
      .default("text"),
  }),
  z.object({
    ty: z.literal("enum"),
    values: z
      .array(z.string({ error: "enum values must be strings" }), {
        error: "enum values must be an array of strings",
      })
      .min(1, { error: "enum needs at least 1 value" })
      .max(SCHEMA_LIMITS.enumValues, { error: `enum takes at most ${SCHEMA_LIMITS.enumValues} values` })
      .refine((values) => new Set(values).size === values.length, { error: "enum values must be unique" }),
  }),
  z.object({
    ty: z.literal("embedding"),
    size: z
      .number({ error: "embedding size must be a number" })
      .int({ error: "embedding size must be an integer" })
      .min(1, { error: "embedding size must be at least 1" })
      .max(SCHEMA_LIMITS.embeddingSize, {
        error: `embedding size must be at most ${SCHEMA_LIMITS.embeddingSize}`,
      }),
    api: z.record(z.string(), JsonSchema, { error: "api must be an object" }).optional(),
  }),
  z.object({ ty: z.literal("geospatial") }),
  z.object({
    ty: z.literal("number"),
    format: z.enum(["F32", "F64"], { error: "format must be F32 or F64" }).optional(),
  }),
  z.object({ ty: z.literal("boolean") }),
  z.object({ ty: z.literal("text") }),
  z.object({ ty: z.literal("uuid") }),
  z.object({ ty: z.literal("user") }),
  z.object({
    ty: z.literal("varchar"),
    max_length: z
      .int({ error: MAX_LENGTH_ERROR })
      .min(0, { error: MAX_LENGTH_ERROR })
      .max(SCHEMA_LIMITS.varchar, { error: MAX_LENGTH_ERROR })
      .default(SCHEMA_LIMITS.varchar),
  }),
  z.object({
    ty: z.literal("datetime"),
    timezone: z.literal("UTC", { error: 'timezone must be "UTC"' }).optional(),
  }),
] as const;
const LiveTypeSchema = z.discriminatedUnion("ty", LIVE_TYPES, {
  error: (iss) => typeError(iss.input, LIVE_TYPE_NAMES),
});

function typeError(input: unknown, names: string): string {
  if (!isJsonObject(input)) return 'a type must be an object such as {"ty": "variant", "hint": "varchar"}';
  return `unknown type ${JSON.stringify(input.ty) ?? "(none)"}; expected one of ${names}`;
}

const V1_TYPES = new Map<string, object>([
  ["number", { ty: "variant", hint: "number" }],
  ["string", { ty: "variant", hint: "varchar" }],
  ["long_string", { ty: "variant", hint: "text" }],
  ["boolean", { ty: "variant", hint: "boolean" }],
  ["datetime", { ty: "variant", hint: "datetime" }],
  ["geospatial", { ty: "geospatial" }],
]);
const V1_NEEDS_MORE = new Map([
  ["enum", 'a legacy "enum" has no values: declare {"ty": "enum", "values": [...]}'],
  ["embedding", 'a legacy "embedding" has no size: declare {"ty": "embedding", "size": N}'],
]);
const STRING_ALIASES = new Map([
  ["string", "varchar"],
  ["long_string", "text"],
]);

/** A type after upgrade, with a note when a legacy form was read, or the reason it cannot be. */
export type LegacyUpgrade = { value: unknown; legacy?: string; error?: string };

/** Rewrites the v1 flat names and the `string`/`long_string` aliases into v2 type objects, saying so. */
export function upgradeLegacyType(value: unknown): LegacyUpgrade {
  if (typeof value === "string") {
    const v1 = V1_TYPES.get(value);
    if (v1 !== undefined)
      return { value: v1, legacy: `legacy type "${value}" read as ${JSON.stringify(v1)}` };
    return { value, error: V1_NEEDS_MORE.get(value) ?? `unknown legacy type "${value}"` };
  }
  if (!isJsonObject(value)) return { value };
  const tyAlias = typeof value.ty === "string" ? STRING_ALIASES.get(value.ty) : undefined;
  const hintAlias = typeof value.hint === "string" ? STRING_ALIASES.get(value.hint) : undefined;
  const hint = tyAlias ?? (value.ty === "variant" ? hintAlias : undefined);
  if (hint === undefined) return { value };
  const upgraded = { ty: "variant", hint };
  return { value: upgraded, legacy: `alias ${JSON.stringify(value)} read as ${JSON.stringify(upgraded)}` };
}

/** A type name given as `deleted_ty` is read as the object with that `ty`. */
const DeletedTypeSchema = z.preprocess(
  (value) => upgradeLegacyType(typeof value === "string" ? { ty: value } : value).value,
  LiveTypeSchema,
);

/** One metadata schema type, normalised to Encord's v2 shape (legacy names and aliases upgraded). */
export const MetadataTypeSchema = z.preprocess(
  (value, ctx) => {
    const upgraded = upgradeLegacyType(value);
    if (upgraded.error !== undefined) ctx.addIssue({ code: "custom", message: upgraded.error });
    return upgraded.value;
  },
  z.discriminatedUnion(
    "ty",
    [
      ...LIVE_TYPES,
      z.object({ ty: z.literal("tombstone"), deleted_ty: DeletedTypeSchema.nullable().default(null) }),
    ],
    { error: (iss) => typeError(iss.input, `${LIVE_TYPE_NAMES}, tombstone`) },
  ),
);
export type MetadataType = z.infer<typeof MetadataTypeSchema>;
/** A metadata type that is not deleted, i.e. one that values can be checked against. */
export type LiveMetadataType = Exclude<MetadataType, { ty: "tombstone" }>;

/** A short human description of a type, used as the `expected` of validation errors. */
export function describeType(type: MetadataType): string {
  switch (type.ty) {
    case "variant":
      return type.hint === "varchar" ? `varchar(max ${SCHEMA_LIMITS.varchar})` : describeScalar(type.hint);
    case "varchar":
      return `varchar(max ${type.max_length})`;
    case "enum": {
      const text = `enum[${type.values.join("|")}]`;
      return text.length <= 80 ? text : `${text.slice(0, 70)}...] (${type.values.length} values)`;
    }
    case "embedding":
      return `embedding(${type.size})`;
    case "geospatial":
      return "geospatial {latitude, longitude}";
    case "number":
      return type.format === undefined ? "number" : `number(${type.format})`;
    case "tombstone":
      return type.deleted_ty === null ? "deleted" : `deleted ${describeType(type.deleted_ty)}`;
    default:
      return describeScalar(type.ty);
  }
}

function describeScalar(name: string): string {
  if (name === "datetime") return "datetime (ISO 8601)";
  if (name === "uuid") return "uuid (8-4-4-4-12 hex)";
  return name;
}
