import { buildImports } from "../build-imports";
import { WriteConflictError } from "../errors";
import type { StoredRecord } from "../ports";
import { serializeImportFile } from "../split-imports";
import type { PipelineDeps } from "./pipeline-deps";

/** Times the exporter works with, computed by its caller (the core reads no clock). */
export interface ExportWindow {
  now: string;
  /** Only records whose last change is at or before this time are exported (the settle window). */
  settledBefore: string;
  /** The exporter's lease lasts until this time. */
  leaseUntil: string;
  /** Who runs this export (a Lambda request id, a process id). */
  owner: string;
  /** A new, time-sortable id per import file (a ULID). */
  newId(): string;
}

/** What an export run did. */
export interface ExportResult {
  leased: boolean;
  files: { key: string; entries: number }[];
  exported: number;
  /** Records that changed while their file was written: still pending, exported next run. */
  changedMeanwhile: number;
  invalid: number;
}

const BATCH = 5_000;

/**
 * The outbox exporter (design.md "Data flow" step 7): under a lease, takes pending records that
 * have settled, writes them into new import files, then marks each exported only if its revision
 * did not change meanwhile. A crash between the two steps re-exports the same entries, which
 * `skip_duplicate_urls` makes harmless.
 */
export async function exportPending(deps: PipelineDeps, window: ExportWindow): Promise<ExportResult> {
  const result: ExportResult = { leased: false, files: [], exported: 0, changedMeanwhile: 0, invalid: 0 };
  if (!(await deps.records.acquireLease("exporter", window.owner, window.now, window.leaseUntil)))
    return result;
  result.leased = true;
  try {
    const pending = await deps.records.listPending(window.settledBefore, BATCH);
    const byKey = new Map(pending.map((r) => [r.key, r]));
    const built = buildImports(pending, deps.settings.limits);
    for (const { file, keys } of built.files) {
      const key = await deps.exports.putImport(window.newId(), serializeImportFile(file, "compact"));
      result.files.push({ key, entries: keys.length });
      for (const recordKey of keys) {
        const record = byKey.get(recordKey);
        if (!record) continue;
        const marked = await deps.records.markExported(
          record.bucket,
          record.key,
          record.revision,
          key,
          window.now,
        );
        if (marked) result.exported += 1;
        else result.changedMeanwhile += 1;
      }
    }
    for (const record of built.records) {
      if (record.status !== "invalid" || byKey.get(record.key)?.status === "invalid") continue;
      result.invalid += await markInvalid(deps, record, window.now);
    }
    return result;
  } finally {
    await deps.records.releaseLease("exporter", window.owner);
  }
}

/** Writes back a record that the build found invalid (entry too large); a lost race leaves it to the next run. */
async function markInvalid(deps: PipelineDeps, record: StoredRecord, now: string): Promise<number> {
  try {
    await deps.records.put({ ...record, updatedAt: now, revision: record.revision + 1 }, record.revision);
    return 1;
  } catch (error) {
    if (error instanceof WriteConflictError) return 0;
    throw error;
  }
}
