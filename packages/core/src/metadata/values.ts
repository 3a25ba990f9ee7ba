import { z } from "zod";
import { describeType, type LiveMetadataType, SCHEMA_LIMITS } from "./type";

/**
 * ISO 8601 date or date-time, checked by pattern because core may not use `Date`. A date alone, a space
 * for `T`, and a missing offset (read as UTC, the schema's only timezone) are accepted.
 */
export const ISO_DATETIME_PATTERN =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?)?$/;

/** UUID text, any version: the docs say UUIDv4 but nothing shows other versions are refused. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Counts characters as PostgreSQL does for varchar (code points, not UTF-16 units). */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const finiteNumber = (error: string) => z.number({ error });
const between = (low: number, high: number) => {
  const error = `number in [${low}, ${high}]`;
  return z.number({ error }).min(low, { error }).max(high, { error });
};

/**
 * The zod schema a value of this type must pass. Every error message is the "expected" text, so
 * that issues map to field errors directly. A `variant` with hint `text` accepts any JSON value:
 * `variant` is Encord's untyped slot and `text` its default hint, which is also what inference
 * gives keys of mixed or nested values, so an inferred schema never rejects the data it came from.
 */
export function valueSchemaFor(type: LiveMetadataType): z.ZodType {
  const error = describeType(type);
  switch (type.ty) {
    case "variant":
      return type.hint === "text" ? z.unknown() : scalarSchema(type.hint, SCHEMA_LIMITS.varchar, error);
    case "varchar":
      return scalarSchema("varchar", type.max_length, error);
    case "enum":
      return z.string({ error }).refine((value) => type.values.includes(value), { error });
    case "embedding":
      // refine, not .length(): zod 4 runs length checks on a string too, which doubled the error.
      return z
        .array(finiteNumber("finite number"), { error })
        .refine((items) => items.length === type.size, { error });
    case "geospatial":
      return z.object({ latitude: between(-90, 90), longitude: between(-180, 180) }, { error });
    default:
      return scalarSchema(type.ty, SCHEMA_LIMITS.varchar, error);
  }
}

function scalarSchema(name: string, maxLength: number, error: string): z.ZodType {
  switch (name) {
    case "number":
      return finiteNumber(error);
    case "boolean":
      return z.boolean({ error });
    case "varchar":
      return z.string({ error }).refine((text) => characterCount(text) <= maxLength, { error });
    case "datetime":
      return z.string({ error }).regex(ISO_DATETIME_PATTERN, { error });
    case "uuid":
      return z.string({ error }).regex(UUID_PATTERN, { error });
    default:
      // direct `text` and `user`: any string.
      return z.string({ error });
  }
}
