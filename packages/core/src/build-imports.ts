import { ENCORD_IMPORT_KEYS, type EncordImportKey, type UnitType } from "./data-type";
import type { ImportFile } from "./import-format";
import { issue } from "./issues";
import type { SluiceRecord } from "./record";
import { type ImportLimits, splitImportFiles } from "./split-imports";
import { compareKeys } from "./plan-listing";

/** Import files built from records, and the records as they stand after the build. */
export interface BuiltImports {
  files: { file: ImportFile; keys: string[] }[];
  /** The input records; those whose entry alone breaks the byte limit are now `invalid`. */
  records: SluiceRecord[];
}

/** Builds import files from the `ready` records, in key order, split at the limits. */
export function buildImports(records: readonly SluiceRecord[], limits: ImportLimits): BuiltImports {
  const ready = records
    .filter((r) => r.status === "ready" && r.importEntry !== null && r.dataType !== null)
    .sort((a, b) => compareKeys(a.key, b.key));
  const entries = ready.flatMap((record) =>
    record.importEntry && record.dataType
      ? [{ id: record.key, importKey: importKeyOf(record.dataType), entry: record.importEntry }]
      : [],
  );
  const { files, tooLarge } = splitImportFiles(entries, limits);
  const oversize = new Map(tooLarge.map((t) => [t.id, t.bytes]));
  return {
    files: files.map(({ file, ids }) => ({ file, keys: ids })),
    records: records.map((record) => {
      const bytes = oversize.get(record.key);
      if (bytes === undefined) return record;
      const message = `the import entry is ${bytes} bytes; an import file holds at most ${limits.maxBytes}`;
      return {
        ...record,
        status: "invalid",
        importEntry: null,
        errors: [...record.errors, issue("entry-too-large", message)],
        export: { state: "held" },
      };
    }),
  };
}

/** Encord's import key for a record's data type. */
export function importKeyOf(dataType: NonNullable<SluiceRecord["dataType"]>): EncordImportKey {
  const unit: UnitType = dataType === "dicom" ? "dicom_series" : dataType;
  return ENCORD_IMPORT_KEYS[unit];
}
