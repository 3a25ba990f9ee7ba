import { WriteConflictError } from "../errors";
import { groupBy } from "../group-by";
import { buildImports } from "../imports/build";
import { countEntries } from "../imports/counts";
import { folderFor } from "../imports/encord-folders";
import { serializeImportFile } from "../imports/split";
import { stableStringify } from "../json";
import type { PipelineDeps } from "../pipeline/pipeline-deps";
import type { StoredRecord } from "../ports/record-store";

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

/** The name of the exporter's lease, the one that lets one exporter run at a time. */
export const EXPORTER_LEASE = "exporter";

const BATCH = 5_000;
const STEP_ATTEMPTS = 3;

/**
 * The outbox exporter (design.md "Data flow" step 7): under a lease, takes pending records that
 * have settled (as the table holds them, never an index's copy), claims them for a new import file,
 * writes the file with the claimed records only, then marks each exported only if its revision did
 * not change meanwhile. The claim makes a crash harmless without relying on
 * Encord's `skip_duplicate_urls`: a record claimed for a file that exists is marked exported by the
 * next run instead of being written again; one claimed for a file never written is exported anew.
 */
export async function exportPending(deps: PipelineDeps, window: ExportWindow): Promise<ExportResult> {
  const result: ExportResult = { leased: false, files: [], exported: 0, changedMeanwhile: 0, invalid: 0 };
  if (!(await deps.leases.acquire(EXPORTER_LEASE, window.owner, window.now, window.leaseUntil)))
    return result;
  result.leased = true;
  try {
    const listed = await deps.records.listPending(window.settledBefore, BATCH);
    const pending = await finishClaims(deps, listed, window.now, result);
    const byKey = new Map(pending.map((r) => [r.key, r]));
    for (const [folder, records] of byFolder(deps, pending)) {
      await exportGroup(deps, window, folder, records, byKey, result);
    }
    return result;
  } finally {
    await deps.leases.release(EXPORTER_LEASE, window.owner);
  }
}

/**
 * Pending records by the Encord folder their key goes to (design.md "Delivery to Encord": the
 * exporter splits files by folder); all under null while delivery is off.
 */
function byFolder(deps: PipelineDeps, pending: readonly StoredRecord[]): Map<string | null, StoredRecord[]> {
  const delivery = deps.settings.delivery;
  return groupBy(pending, (record): string | null => {
    // A series record is keyed by its UID; its title starts with its folder.
    const key = record.key.startsWith("dicom:") ? record.title : record.key;
    return delivery ? folderFor(key, delivery.routes, delivery.folder) : null;
  });
}

/**
 * Writes the files of one folder's records, and queues each file's delivery when there is a folder. Each
 * file holds only the records claimed for it, as their claims left them: a record whose claim failed (it
 * changed since it was read) is left out, and exported by the next run as it is then.
 */
async function exportGroup(
  deps: PipelineDeps,
  window: ExportWindow,
  folder: string | null,
  pending: readonly StoredRecord[],
  byKey: ReadonlyMap<string, StoredRecord>,
  result: ExportResult,
): Promise<void> {
  const built = buildImports(pending, deps.settings.limits);
  for (const { keys } of built.files) {
    const name = window.newId();
    const key = deps.exports.importKey(name);
    const claimed: StoredRecord[] = [];
    for (const recordKey of keys) {
      const record = byKey.get(recordKey);
      const claim = (r: StoredRecord) => deps.records.claimExport(r.bucket, r.key, r.revision, key);
      const current = record ? await whileSameEntry(deps, record, claim) : null;
      if (current) claimed.push(current);
    }
    result.changedMeanwhile += keys.length - claimed.length;
    if (claimed.length === 0) continue;
    const file = claimedFile(claimed, deps);
    await deps.exports.putImport(name, serializeImportFile(file, "compact"), countEntries(file));
    result.files.push({ key, entries: claimed.length });
    await markAll(deps, claimed, key, window.now, result);
    if (folder !== null && deps.deliveries) {
      const at = window.now;
      const delivered = claimed.map((record) => record.key);
      const base = { file: key, folder, keys: delivered, jobId: null, attempts: 0, counts: null, errors: [] };
      await deps.deliveries.enqueue({ ...base, state: "queued", createdAt: at, updatedAt: at });
    }
  }
  for (const record of built.records) {
    if (record.status !== "invalid" || byKey.get(record.key)?.status === "invalid") continue;
    result.invalid += await markInvalid(deps, record, window.now);
  }
}

/**
 * The import file of the records claimed for it, built from the claimed copies. Their entries are those the
 * file was planned with (a claim is taken only on the same entry), so they fit one file; if they did not, the
 * run stops before writing, and the records, claimed for a file that does not exist, are exported anew.
 */
function claimedFile(claimed: readonly StoredRecord[], deps: PipelineDeps) {
  const [file, ...more] = buildImports(claimed, deps.settings.limits).files;
  if (file === undefined || more.length > 0 || file.keys.length !== claimed.length)
    throw new Error(`the ${claimed.length} records claimed for one import file no longer make one file`);
  return file.file;
}

/**
 * Records claimed by an earlier run that stopped before marking them: those whose file was
 * written are marked exported now (their entry is in it); the others are returned to export anew.
 */
async function finishClaims(
  deps: PipelineDeps,
  listed: readonly StoredRecord[],
  now: string,
  result: ExportResult,
): Promise<StoredRecord[]> {
  const written = new Map<string, boolean>();
  const unclaimed: StoredRecord[] = [];
  for (const record of listed) {
    const file = record.export.file;
    if (file === undefined) {
      unclaimed.push(record);
      continue;
    }
    const exists = written.get(file) ?? (await deps.exports.hasImport(file));
    written.set(file, exists);
    if (!exists) unclaimed.push(record);
    else await markAll(deps, [record], file, now, result);
  }
  return unclaimed;
}

/** Marks records exported in `file`, counting those that changed since they were claimed. */
async function markAll(
  deps: PipelineDeps,
  records: readonly StoredRecord[],
  file: string,
  now: string,
  result: ExportResult,
): Promise<void> {
  for (const record of records) {
    const mark = (r: StoredRecord) => deps.records.markExported(r.bucket, r.key, r.revision, file, now);
    if (await whileSameEntry(deps, record, mark)) result.exported += 1;
    else result.changedMeanwhile += 1;
  }
}

/**
 * Runs a revision-conditional step (claim, mark) on a record, and when it loses to a write that left
 * the entry as it was (a redelivered event, a sidecar's event after the data's own read the sidecar),
 * runs it again on the record as the table holds it now. Answers the record the step succeeded on (a
 * claim's own answer when it gives one), or null when the entry changed (it is exported next run).
 */
async function whileSameEntry(
  deps: PipelineDeps,
  record: StoredRecord,
  step: (current: StoredRecord) => Promise<StoredRecord | boolean | null>,
): Promise<StoredRecord | null> {
  const entry = stableStringify(record.importEntry);
  let current: StoredRecord | null = record;
  for (let attempt = 0; attempt < STEP_ATTEMPTS && current !== null; attempt += 1) {
    const done = await step(current);
    if (done === true) return current;
    if (done) return stableStringify(done.importEntry) === entry ? done : null;
    current = await deps.records.get(record.bucket, record.key);
    const same = current?.export.state === "pending" && stableStringify(current.importEntry) === entry;
    if (!same) current = null;
  }
  return null;
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
