import { groupBy } from "../group-by";
import type { PipelineDeps } from "../pipeline/pipeline-deps";
import type { DeliveryStore } from "../ports/delivery-store";
import type { EncordJobs } from "../ports/encord-jobs";
import type { StoredRecord } from "../ports/record-store";
import type { Delivery, UploadJobResult } from "./delivery";

/** The pipeline's ports plus delivery's: what the poller works through. */
export type DeliveryDeps = PipelineDeps & { deliveries: DeliveryStore; encord: EncordJobs };

/** What one poller run did. */
export interface DeliveryRunResult {
  started: string[];
  restarted: string[];
  finished: { file: string; jobId: string; state: Delivery["state"]; items: number; unitErrors: number }[];
  /** The run stopped at its deadline; the deliveries it did not reach stay open for the next run. */
  outOfTime: boolean;
}

/** How long one run may take; the caller keeps the clock (a Lambda's remaining time less a margin). */
export interface DeliveryRunLimits {
  /** The longest one long poll may hold, in seconds. */
  pollSeconds: number;
  /** Milliseconds left before the run must stop, the time for the writes after its last poll already kept back. */
  remainingMs(): number;
}

/** Less time than this left and no job is started or polled: the next run takes it up. */
const MIN_STEP_MS = 1_000;

/**
 * One run of the poller (design.md "Delivery to Encord"): per Encord folder, one job at a time,
 * oldest file first. A running job is long-polled (at most `pollSeconds`, and never beyond the time
 * left); a finished one writes each record's item id (matched by title) or unit error (matched by
 * object URL); then the folder's next queued file is started. A delivery left `submitting` (the
 * process stopped between starting a job and saving its id) is started again: every import file sets
 * `skip_duplicate_urls`, so Encord skips the items the lost job already made instead of duplicating them.
 * When the time is up the run returns; what it did not reach stays `queued` or `running`.
 */
export async function runDeliveries(
  deps: DeliveryDeps,
  limits: DeliveryRunLimits,
): Promise<DeliveryRunResult> {
  const result: DeliveryRunResult = { started: [], restarted: [], finished: [], outOfTime: false };
  const folders = [...groupBy(await deps.deliveries.listOpen(), (delivery) => delivery.folder).values()];
  for (const [index, deliveries] of folders.entries()) {
    // Each folder still to come gets its share of the time left, so one slow job cannot starve the others.
    const wait = () => pollWait(limits, folders.length - index);
    for (const delivery of deliveries) {
      if (wait() === null) return { ...result, outOfTime: true };
      let current: Delivery | null = delivery;
      if (current.state === "submitting") {
        current = await start(deps, current);
        if (current) result.restarted.push(current.file);
      } else if (current.state === "queued") {
        current = await start(deps, current);
        if (current) result.started.push(current.file);
      }
      if (current === null || current.jobId === null) break;
      const seconds = wait();
      if (seconds === null) return { ...result, outOfTime: true };
      const done = await follow(deps, current, seconds);
      if (done === null) break;
      result.finished.push(done);
    }
  }
  return result;
}

/** The seconds the next poll may hold: the folder's share of the time left, at most `pollSeconds`; null when time is up. */
function pollWait({ pollSeconds, remainingMs }: DeliveryRunLimits, shares: number): number | null {
  const left = remainingMs();
  if (left < MIN_STEP_MS) return null;
  return Math.min(pollSeconds, Math.floor(left / shares / 1000));
}

/** Starts the job of a queued (or interrupted) delivery; null when another poller took it first. */
async function start(deps: DeliveryDeps, delivery: Delivery): Promise<Delivery | null> {
  const submitting: Delivery = {
    ...delivery,
    state: "submitting",
    attempts: delivery.attempts + 1,
    updatedAt: deps.now(),
  };
  if (!(await deps.deliveries.update(submitting, delivery.state))) return null;
  const text = await deps.exports.getImport(delivery.file);
  const jobId = await deps.encord.start(delivery.folder, text, delivery.file);
  const running: Delivery = { ...submitting, state: "running", jobId, updatedAt: deps.now() };
  return (await deps.deliveries.update(running, "submitting")) ? running : null;
}

/** Long-polls a running job; when it ended, writes its outcome onto the records and closes the delivery. */
async function follow(deps: DeliveryDeps, delivery: Delivery, pollSeconds: number) {
  const jobId = delivery.jobId ?? "";
  const job = await deps.encord.poll(delivery.folder, jobId, pollSeconds);
  if (job.status === "PENDING") return null;
  const { items, unitErrors } = await applyOutcome(deps, delivery.keys, jobId, job);
  const state: Delivery["state"] = job.status === "DONE" ? "done" : "failed";
  const closed: Delivery = {
    ...delivery,
    state,
    counts: job.counts,
    errors: job.errors,
    updatedAt: deps.now(),
  };
  await deps.deliveries.update(closed, "running");
  return { file: delivery.file, jobId, state, items, unitErrors };
}

/** Item ids by title, unit errors by object URL, onto the records of the file. */
async function applyOutcome(
  deps: DeliveryDeps,
  keys: readonly string[],
  jobId: string,
  job: UploadJobResult,
) {
  const records = await deps.records.getMany(deps.objects.bucket, keys);
  const byTitle = new Map(records.map((r) => [r.title, r]));
  const byUrl = new Map<string, StoredRecord>();
  for (const record of records) for (const url of urlsOf(record)) byUrl.set(url, record);
  let items = 0;
  let unitErrors = 0;
  for (const item of job.itemsWithNames) {
    const record = byTitle.get(item.name);
    if (!record) continue;
    await deps.records.setEncord(record.bucket, record.key, { itemId: item.itemUuid, jobId });
    items += 1;
  }
  for (const failure of job.unitErrors) {
    const record = failure.objectUrls.map((url) => byUrl.get(url)).find((r) => r !== undefined);
    if (!record) continue;
    await deps.records.setEncord(record.bucket, record.key, { jobId, error: failure.error });
    unitErrors += 1;
  }
  return { items, unitErrors };
}

/** The object URLs a record's entry sends: `objectUrl`, or `objectUrl_0`... for groups and series. */
function urlsOf(record: StoredRecord): string[] {
  const entry = record.importEntry ?? {};
  return Object.entries(entry)
    .filter(([name, value]) => /^objectUrl(_\d+)?$/.test(name) && typeof value === "string")
    .map(([, value]) => String(value));
}
