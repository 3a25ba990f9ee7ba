import { InvalidInputError } from "../errors";
import { ADHOC_IMPORT_PREFIX } from "../export/describe-imports";
import type { PipelineDeps } from "../pipeline/pipeline-deps";
import { withTheirGroups } from "../pipeline/with-groups";
import { scanRecords } from "../records/list-records";
import type { SluiceRecord } from "../records/record";
import { buildImports } from "./build";
import { countEntries } from "./counts";
import type { ImportFile } from "./format";
import { serializeImportFile } from "./split";

/** Keys an ad-hoc import reads at most; a larger prefix is refused rather than silently cut. */
export const MAX_ADHOC_KEYS = 10_000;

/**
 * Which records an ad-hoc import takes: under `prefix`, in an export state, changed at or after `since`, an
 * ISO time in the records' own form (`toISOString`: ISO times compare as strings only at one precision).
 */
export interface AdhocImportFilter {
  prefix: string;
  status?: SluiceRecord["export"]["state"];
  since?: string;
}

/** The ports an ad-hoc import works through, and the source of its files' ids (ULIDs). */
export interface AdhocImportDeps {
  pipeline: PipelineDeps;
  newId(): string;
}

/** One import file an ad-hoc import wrote: its id (`adhoc/<ULID>`), key, entry count, content and text. */
export interface AdhocImportFile {
  id: string;
  key: string;
  entries: number;
  file: ImportFile;
  body: string;
}

/**
 * Writes import files of the records a filter takes, as the exporter would build them, without changing
 * any record's export state (design.md "HTTP API", `POST /imports`). A prefix of more than MAX_ADHOC_KEYS
 * objects is refused with InvalidInputError.
 */
export async function writeAdhocImports(
  deps: AdhocImportDeps,
  filter: AdhocImportFilter,
): Promise<AdhocImportFile[]> {
  const { pipeline } = deps;
  const { status, since } = filter;
  const { records, truncated } = await scanRecords(pipeline, { prefix: filter.prefix }, MAX_ADHOC_KEYS);
  if (truncated) {
    const message = `more than ${MAX_ADHOC_KEYS} objects under the prefix; narrow it`;
    throw new InvalidInputError(message, [{ path: "prefix", message }]);
  }
  // The filters apply to what becomes an entry: a group as its record stands, never its members.
  const units = await withTheirGroups(pipeline, records);
  const chosen = units.filter(
    (record) =>
      (status === undefined || record.export.state === status) &&
      (since === undefined || record.updatedAt >= since),
  );
  const files: AdhocImportFile[] = [];
  for (const { file, keys } of buildImports(chosen, pipeline.settings.limits).files) {
    const id = `${ADHOC_IMPORT_PREFIX}${deps.newId()}`;
    const body = serializeImportFile(file, "compact");
    const key = await pipeline.exports.putImport(id, body, countEntries(file));
    files.push({ id, key, entries: keys.length, file, body });
  }
  return files;
}
