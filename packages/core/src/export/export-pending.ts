import { groupBy } from "../group-by";
import { buildImports } from "../imports/build";
import { countEntries } from "../imports/counts";
import { folderFor } from "../imports/encord-folders";
import { serializeImportFile } from "../imports/split";
import type { PipelineDeps } from "../pipeline/pipeline-deps";
import type { StoredRecord } from "../ports/record-store";
import { listingPlace } from "../records/listing";
import { addTallies, type ExportTally, markAll, markInvalid, NO_TALLY, whileSameEntry } from "./mark-records";

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
export interface ExportResult extends ExportTally {
  leased: boolean;
}

/** The name of the exporter's lease, the one that lets one exporter run at a time. */
export const EXPORTER_LEASE = "exporter";

const BATCH = 5_000;

/**
 * The outbox exporter (design.md "Data flow" step 7): under a lease, takes pending records that
 * have settled (as the table holds them, never an index's copy), claims them for a new import file,
 * writes the file with the claimed records only, then marks each exported only if its revision did
 * not change meanwhile. The claim makes a crash harmless without relying on
 * Encord's `skip_duplicate_urls`: a record claimed for a file that exists is marked exported by the
 * next run instead of being written again; one claimed for a file never written is exported anew.
 */
export async function exportPending(deps: PipelineDeps, window: ExportWindow): Promise<ExportResult> {
  if (!(await deps.leases.acquire(EXPORTER_LEASE, window.owner, window.now, window.leaseUntil)))
    return { leased: false, ...NO_TALLY };
  try {
    const listed = await deps.records.listPending(window.settledBefore, BATCH);
    const finished = await finishClaims(deps, listed, window.now);
    const byKey = new Map(finished.unclaimed.map((r) => [r.key, r]));
    let tally = finished.tally;
    for (const [folder, records] of byFolder(deps, finished.unclaimed)) {
      tally = addTallies(tally, await exportFolder(deps, window, folder, records, byKey));
    }
    return { leased: true, ...tally };
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
  // A series record is keyed by its UID; its place (its title) starts with its folder.
  return groupBy(pending, (record): string | null =>
    delivery ? folderFor(listingPlace(record), delivery.routes, delivery.folder) : null,
  );
}

/**
 * Writes the import files of the records bound for one Encord folder, and queues each file's delivery
 * when there is a folder. Each file holds only the records claimed for it, as their claims left them: a
 * record whose claim failed (it changed since it was read) is left out, and exported by the next run as
 * it is then.
 */
async function exportFolder(
  deps: PipelineDeps,
  window: ExportWindow,
  folder: string | null,
  pending: readonly StoredRecord[],
  byKey: ReadonlyMap<string, StoredRecord>,
): Promise<ExportTally> {
  let tally = NO_TALLY;
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
    tally = addTallies(tally, { ...NO_TALLY, changedMeanwhile: keys.length - claimed.length });
    if (claimed.length === 0) continue;
    const file = claimedFile(claimed, deps);
    await deps.exports.putImport(name, serializeImportFile(file, "compact"), countEntries(file));
    const written = { ...NO_TALLY, files: [{ key, entries: claimed.length }] };
    tally = addTallies(tally, written, await markAll(deps, claimed, key, window.now));
    if (folder !== null && deps.deliveries) {
      const at = window.now;
      const delivered = claimed.map((record) => record.key);
      const base = { file: key, folder, keys: delivered, jobId: null, attempts: 0, counts: null, errors: [] };
      await deps.deliveries.enqueue({ ...base, state: "queued", createdAt: at, updatedAt: at });
    }
  }
  for (const record of built.records) {
    if (record.status !== "invalid" || byKey.get(record.key)?.status === "invalid") continue;
    tally = addTallies(tally, { ...NO_TALLY, invalid: await markInvalid(deps, record, window.now) });
  }
  return tally;
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
): Promise<{ unclaimed: StoredRecord[]; tally: ExportTally }> {
  const written = new Map<string, boolean>();
  const unclaimed: StoredRecord[] = [];
  let tally = NO_TALLY;
  for (const record of listed) {
    const file = record.export.file;
    if (file === undefined) {
      unclaimed.push(record);
      continue;
    }
    const exists = written.get(file) ?? (await deps.exports.hasImport(file));
    written.set(file, exists);
    if (!exists) unclaimed.push(record);
    else tally = addTallies(tally, await markAll(deps, [record], file, now));
  }
  return { unclaimed, tally };
}
