import { randomUUID } from "node:crypto";
import type { ImportUnit, ParsedImport } from "./import-units";

/** A storage item as the fake keeps it; `clientMetadata` becomes a JSON string only on reads. */
export interface FakeItem {
  uuid: string;
  parent: string;
  itemType: string;
  name: string;
  url: string;
  objectUrls: string[];
  integrationHash: string;
  clientMetadata: Record<string, unknown>;
  createdAt: string;
}

/** One `unitErrors[]` entry (encord-api.md §2.2). */
export interface FakeUnitError {
  objectUrls: string[];
  error: string;
  subtaskUuid: string;
  actionDescription: string;
}

/** An upload job and its counts; `version` moves on every change so long polls can wait for one. */
export interface FakeJob {
  uuid: string;
  folder: string;
  integrationHash: string;
  ignoreErrors: boolean;
  fileName: string | null;
  spec: ParsedImport;
  status: "PENDING" | "DONE" | "ERROR" | "CANCELLED";
  itemsWithNames: { itemUuid: string; name: string }[];
  errors: string[];
  unitErrors: FakeUnitError[];
  counts: { pending: number; done: number; error: number; cancelled: number };
  version: number;
  waiters: Set<() => void>;
}

/** Everything the fake knows; tests may read it directly. */
export interface FakeEncordState {
  integrations: Set<string>;
  folders: Map<string, FakeItem[]>;
  items: Map<string, FakeItem>;
  jobs: Map<string, FakeJob>;
  schema: unknown;
  /** URL → message: a unit touching one of these URLs fails. */
  unitErrors: Map<string, string>;
  jobDelayMs: number;
  now: () => number;
}

/** Creates a PENDING job and schedules its run; the job outlives the request, as on the real server. */
export function startJob(
  state: FakeEncordState,
  job: Omit<
    FakeJob,
    "uuid" | "status" | "itemsWithNames" | "errors" | "unitErrors" | "counts" | "version" | "waiters"
  >,
): FakeJob {
  const created: FakeJob = {
    ...job,
    uuid: randomUUID(),
    status: "PENDING",
    itemsWithNames: [],
    errors: [],
    unitErrors: [],
    counts: { pending: job.spec.units.length, done: 0, error: 0, cancelled: 0 },
    version: 0,
    waiters: new Set(),
  };
  state.jobs.set(created.uuid, created);
  // Units finish halfway through the delay and the status turns at the end, so a poll can see
  // complete counts while still PENDING (encord-api.md §2.2, "data linking").
  setTimeout(() => runUnits(state, created), state.jobDelayMs / 2).unref();
  setTimeout(() => finish(created), state.jobDelayMs).unref();
  return created;
}

/** Cancels a job's pending units; processed units stay, as on the real server. */
export function cancelJob(job: FakeJob): number {
  if (job.status !== "PENDING") return 0;
  const cancelled = job.counts.pending;
  job.counts = { ...job.counts, pending: 0, cancelled: job.counts.cancelled + cancelled };
  job.status = "CANCELLED";
  touch(job);
  return cancelled;
}

function runUnits(state: FakeEncordState, job: FakeJob): void {
  if (job.status !== "PENDING") return;
  const folder = state.folders.get(job.folder) ?? [];
  state.folders.set(job.folder, folder);
  for (const unit of job.spec.units) {
    const failing = unit.objectUrls.find((url) => state.unitErrors.has(url));
    if (failing !== undefined) {
      const error = state.unitErrors.get(failing) ?? "failed";
      job.unitErrors.push({
        objectUrls: unit.objectUrls,
        error,
        subtaskUuid: randomUUID(),
        actionDescription: `Upload ${unit.itemType}`,
      });
      job.errors.push(error);
      job.counts.error += 1;
    } else {
      const existing = job.spec.skipDuplicateUrls ? duplicatesOf(folder, unit) : [];
      if (existing.length === 0) addItem(state, folder, job, unit);
      // Skipped duplicates are not listed in itemsWithNames (encord-api.md §2.5 expects them not to be).
      else if (job.spec.upsertMetadata)
        for (const item of existing) item.clientMetadata = unit.clientMetadata ?? {};
      job.counts.done += 1;
    }
    job.counts.pending -= 1;
  }
  touch(job);
}

function finish(job: FakeJob): void {
  if (job.status !== "PENDING") return;
  job.status = job.counts.error > 0 && !job.ignoreErrors ? "ERROR" : "DONE";
  touch(job);
}

function duplicatesOf(folder: FakeItem[], unit: ImportUnit): FakeItem[] {
  return folder.filter((item) => item.objectUrls.some((url) => unit.objectUrls.includes(url)));
}

function addItem(state: FakeEncordState, folder: FakeItem[], job: FakeJob, unit: ImportUnit): void {
  const item: FakeItem = {
    uuid: randomUUID(),
    parent: job.folder,
    itemType: unit.itemType,
    name: unit.name,
    url: unit.objectUrls[0] ?? "",
    objectUrls: unit.objectUrls,
    integrationHash: job.integrationHash,
    clientMetadata: unit.clientMetadata ?? {},
    createdAt: new Date(state.now()).toISOString(),
  };
  folder.push(item);
  state.items.set(item.uuid, item);
  job.itemsWithNames.push({ itemUuid: item.uuid, name: item.name });
}

function touch(job: FakeJob): void {
  job.version += 1;
  for (const wake of job.waiters) wake();
  job.waiters.clear();
}
