import { InvalidInputError, TransientError } from "../errors";
import type { JsonObject } from "../json";
import { checkMetadataLayer } from "../metadata/sidecar";
import { validateClientMetadata } from "../metadata/validate";
import { deriveAndStore } from "../pipeline/derive-and-store";
import type { PipelineDeps } from "../pipeline/pipeline-deps";
import type { StoredRecord } from "../ports/record-store";
import type { SchemaStore } from "../ports/schema-store";
import { readRecord } from "./read-record";

/** Re-reads of a record an edit makes at most while concurrent edits keep winning the write. */
export const EDIT_ATTEMPTS = 5;

/** How an edit meets the stored API layer: `merge` adds its keys over it, `replace` stands in its place. */
export type MetadataEditMode = "merge" | "replace";

/** The ports a metadata edit works through: the pipeline's, and the schema in force (read uncached). */
export interface EditMetadataDeps {
  pipeline: PipelineDeps;
  schemas: Pick<SchemaStore, "get">;
}

/**
 * Edits the API layer of a record above its sidecar (design.md "API edits") and re-derives the record:
 * the layer must keep a sidecar's limits and the metadata schema (InvalidInputError otherwise), the record
 * must exist (NotFoundError), and an edit that loses a race with another re-reads and applies again.
 * Answers the record as re-derived.
 */
export async function editMetadata(
  deps: EditMetadataDeps,
  key: string,
  layer: JsonObject,
  mode: MetadataEditMode,
): Promise<StoredRecord> {
  const { pipeline } = deps;
  requireWithinLimits(layer);
  const checked = validateClientMetadata(layer, await deps.schemas.get());
  if (checked.errors.length > 0) {
    const problems = checked.errors.map((found) => ({ path: found.path, message: found.message }));
    throw new InvalidInputError("the metadata breaks the metadata schema", problems);
  }
  // A merge can grow the layer past the limits that each edit keeps on its own.
  const editApiLayer = (current: JsonObject | null) =>
    mode === "merge" ? requireWithinLimits({ ...current, ...layer }) : layer;
  for (let attempt = 1; attempt <= EDIT_ATTEMPTS; attempt += 1) {
    const existing = await readRecord(pipeline, key);
    // The API's sequencer grows with the revision, so each edit is newer than the last one applied;
    // `stale` means another edit won with the same revision, and this one re-reads and applies again.
    const sequencer = (existing.revision + 1).toString(16).padStart(16, "0");
    const outcome = await deriveAndStore(pipeline, key, { source: "api", sequencer }, { editApiLayer });
    if (outcome !== "stale") return readRecord(pipeline, key);
  }
  throw new TransientError(`gave up editing ${key} after ${EDIT_ATTEMPTS} concurrent edits`);
}

/** Throws the sidecar's error, with its code, for a layer past the sidecar limits. */
function requireWithinLimits(layer: JsonObject): JsonObject {
  const problem = checkMetadataLayer(layer);
  if (problem === null) return layer;
  const problems = problem.path === undefined ? [] : [{ path: problem.path, message: problem.message }];
  throw new InvalidInputError(problem.message, problems, problem.code);
}
