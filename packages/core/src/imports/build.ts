import { type Issue, issue } from "../issues";
import { compareKeys } from "../keys/compare-keys";
import { isGroupType } from "../records/listing";
import type { SluiceRecord } from "../records/record";
import { ENCORD_IMPORT_KEYS, type EncordImportKey, unitTypeOf } from "../typing/data-type";
import { type ImportFile, StoredImportEntrySchema } from "./format";
import { type ImportLimits, type SplitEntry, splitImportFiles } from "./split";

/** Import files built from records, and the records as they stand after the build. */
export interface BuiltImports<R extends SluiceRecord = SluiceRecord> {
  files: { file: ImportFile; keys: string[] }[];
  /** The input records; those whose entry breaks the format or the byte limit are now `invalid`. */
  records: R[];
}

/**
 * The one way records become import files, for the exporter, ad-hoc imports and `sluice scan` alike:
 * an entry per `ready` record that is not a member of a group or series (members leave with their
 * group's record, never alone: design.md "Groups"), in key order, split at the limits.
 */
export function buildImports<R extends SluiceRecord>(
  records: readonly R[],
  limits: ImportLimits,
): BuiltImports<R> {
  const failures = new Map<string, Issue>();
  const entries: SplitEntry[] = [];
  for (const record of [...records].sort((a, b) => compareKeys(a.key, b.key))) {
    if (record.status !== "ready" || record.importEntry === null || record.dataType === null) continue;
    if (record.groupKey !== undefined) continue;
    // Entries come back from storage: parse them before they go into a file, but leave their
    // clientMetadata, validated when the record was written, unwalked (issue 14).
    const parsed = StoredImportEntrySchema.safeParse({
      importKey: importKeyOf(record.dataType),
      entry: record.importEntry,
    });
    if (parsed.success) entries.push({ id: record.key, ...parsed.data });
    else
      failures.set(
        record.key,
        issue("invalid-import-entry", parsed.error.issues.map((i) => i.message).join("; ")),
      );
  }
  const { files, tooLarge } = splitImportFiles(entries, limits);
  for (const { id, bytes } of tooLarge) {
    const message = `the import entry alone makes a ${bytes}-byte file; an import file holds at most ${limits.maxBytes}`;
    failures.set(id, issue("entry-too-large", message));
  }
  return {
    files: files.map(({ file, ids }) => ({ file, keys: ids })),
    records: records.map((record): R => {
      const failure = failures.get(record.key);
      if (failure === undefined) return record;
      return {
        ...record,
        status: "invalid",
        importEntry: null,
        errors: [...record.errors, failure],
        export: { state: "held" },
      };
    }),
  };
}

/** Encord's import key for a record's data type. */
export function importKeyOf(dataType: NonNullable<SluiceRecord["dataType"]>): EncordImportKey {
  return ENCORD_IMPORT_KEYS[isGroupType(dataType) ? dataType : unitTypeOf(dataType)];
}
