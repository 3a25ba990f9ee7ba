import { InvalidInputError } from "../errors";
import type { EncordSchema } from "../ports/encord-schema";
import type { SchemaStore } from "../ports/schema-store";
import { type MetadataSchema, parseMetadataSchema } from "./schema";
import { isEmptySchemaDiff, planSchemaPush, type SchemaDiff } from "./schema-diff";

/** What a push did: the schema now in force, what Encord's map gained or lost, and whether it was written. */
export interface SchemaPushResult {
  schema: MetadataSchema;
  diff: SchemaDiff;
  pushed: boolean;
}

/** Replaces the metadata schema in force with a candidate; InvalidInputError lists every bad key and type. */
export async function setSchema(deps: { schemas: SchemaStore }, candidate: unknown): Promise<MetadataSchema> {
  const schema = parseSchema(candidate);
  await deps.schemas.put(schema);
  return schema;
}

/**
 * Replaces the metadata schema in force and writes it over Encord's map, keeping every key Encord has (a
 * removed one becomes a tombstone). A retype Encord forbids writes nothing anywhere (InvalidInputError);
 * a dry run answers the diff and writes nothing; an unchanged map is not written (as Encord's SDK).
 */
export async function pushSchema(
  deps: { schemas: SchemaStore; encord: EncordSchema },
  candidate: unknown,
  options: { dryRun: boolean },
): Promise<SchemaPushResult> {
  const schema = parseSchema(candidate);
  const plan = planSchemaPush(schema, await deps.encord.get());
  if (!plan.ok) {
    const problems = plan.forbidden.map(({ key, from, to }) => ({
      path: key,
      message: `Encord cannot retype ${JSON.stringify(from)} to ${JSON.stringify(to)}`,
    }));
    throw new InvalidInputError("Encord refuses these retypes; delete the key and use a new one", problems);
  }
  if (options.dryRun) return { schema, diff: plan.diff, pushed: false };
  await deps.schemas.put(schema);
  // Encord's map has no version to protect: POST only when something changed.
  const pushed = !isEmptySchemaDiff(plan.diff);
  if (pushed) await deps.encord.put(plan.merged);
  return { schema, diff: plan.diff, pushed };
}

function parseSchema(candidate: unknown): MetadataSchema {
  const parsed = parseMetadataSchema(candidate);
  if (parsed.ok) return parsed.schema;
  const problems = parsed.errors.map((found) => ({ path: found.path ?? "", message: found.message }));
  throw new InvalidInputError("the metadata schema is invalid", problems);
}
