import { type EntryCounts, type ExportStore, exportWrittenEvent, type OutboundEvent } from "@sluice/core";

/**
 * Wraps the export store so that every import file written yields one `export.written` event,
 * counted from the counts stored beside the very body (the exporter's result knows only totals).
 */
export function recordImportFiles(exports: ExportStore, time: () => string) {
  const written: OutboundEvent[] = [];
  const store: ExportStore = {
    ...exports,
    async putImport(name, body, counts) {
      const key = await exports.putImport(name, body, counts);
      written.push(exportWrittenEvent(key, heldImportKeys(counts), time()));
      return key;
    },
  };
  return { store, written };
}

/** The entries per import key that an import file holds: the keys it has none of are left out. */
export function heldImportKeys(counts: EntryCounts): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, entries]) => entries > 0));
}
