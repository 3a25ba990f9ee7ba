import { type ExportStore, exportWrittenEvent, type OutboundEvent } from "@sluice/core";

/**
 * Wraps the export store so that every import file written yields one `export.written` event,
 * counted from the very body that was stored (the exporter's result knows only totals).
 */
export function recordImportFiles(exports: ExportStore, time: () => string) {
  const written: OutboundEvent[] = [];
  const store: ExportStore = {
    ...exports,
    async putImport(name, body, counts) {
      const key = await exports.putImport(name, body, counts);
      written.push(exportWrittenEvent(key, countByImportKey(body), time()));
      return key;
    },
  };
  return { store, written };
}

/** Entries per import key of an import file's JSON (`{ "videos": [...], "skip_duplicate_urls": true }`). */
export function countByImportKey(body: string): Record<string, number> {
  const parsed: unknown = JSON.parse(body);
  const counts: Record<string, number> = {};
  if (typeof parsed !== "object" || parsed === null) return counts;
  for (const [importKey, value] of Object.entries(parsed)) {
    if (Array.isArray(value)) counts[importKey] = value.length;
  }
  return counts;
}
