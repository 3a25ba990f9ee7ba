// The figures of `bench:load` from its three sources, each compared with the plan on its own.
import type { SeenRecord } from "./load-check";
import type { PlannedObject, UploadTiming } from "./load-upload";

/** Everything the run saw. */
export interface TallyInput {
  plan: readonly PlannedObject[];
  timings: ReadonlyMap<string, UploadTiming>;
  listed: readonly string[];
  records: ReadonlyMap<string, SeenRecord>;
  exported: {
    files: number;
    entries: number;
    counts: ReadonlyMap<string, number>;
    bodies: ReadonlyMap<string, ReadonlySet<string>>;
  };
}

/**
 * Lost = an uploaded data object missing from the listing, or without a finished record (ready, with its
 * sidecar when it had one), or in no exported entry. Duplicated = an object exported more than once with the
 * same entry; re-exported = exported again with a changed entry (its sidecar's metadata arrived after the first).
 * Throughput is objects recorded per second from the first upload's start to the last record's `updatedAt`;
 * latency is each object's first request start to its record's `updatedAt` (the stack's clock, same machine).
 */
export function tally(input: TallyInput) {
  const listed = new Set(input.listed.filter((k) => !k.endsWith(".metadata.json")));
  const sidecarsListed = input.listed.length - listed.size;
  let notListed = 0;
  let noRecord = 0;
  let notExported = 0;
  const lostKeys = new Set<string>();
  const latencies: number[] = [];
  let lastRecord = 0;
  let lastExport = 0;
  for (const object of input.plan) {
    const record = input.records.get(object.key);
    const finished = record?.status === "ready" && (object.sidecar === "none" || record.sidecar);
    if (!listed.has(object.key)) notListed += 1;
    if (!finished) noRecord += 1;
    if ((input.exported.counts.get(object.key) ?? 0) === 0) notExported += 1;
    if (!listed.has(object.key) || !finished || !input.exported.counts.has(object.key))
      lostKeys.add(object.key);
    const timing = input.timings.get(object.key);
    if (record && finished && timing) {
      latencies.push(record.updatedAt - timing.startedAt);
      lastRecord = Math.max(lastRecord, record.updatedAt);
      lastExport = Math.max(lastExport, record.exportedAt ?? 0);
    }
  }
  const planned = new Set(input.plan.map((p) => p.key));
  let duplicated = 0;
  let reExported = 0;
  const duplicatedSample: string[] = [];
  for (const [key, n] of input.exported.counts) {
    const distinct = input.exported.bodies.get(key)?.size ?? 0;
    if (n > distinct) {
      duplicated += 1;
      if (duplicatedSample.length < 3) duplicatedSample.push(key);
    } else if (n > 1) reExported += 1;
  }
  const unexpected = [...input.exported.counts.keys(), ...input.records.keys()].filter(
    (k) => !planned.has(k),
  );
  const firstStart = Math.min(...[...input.timings.values()].map((t) => t.startedAt));
  latencies.sort((a, b) => a - b);
  const recorded = latencies.length;
  return {
    listedObjects: listed.size,
    listedSidecars: sidecarsListed,
    records: input.records.size,
    exportFiles: input.exported.files,
    exportedEntries: input.exported.entries,
    lost: lostKeys.size,
    lostBySource: { listing: notListed, records: noRecord, exports: notExported },
    duplicated,
    ...(duplicatedSample.length > 0 ? { duplicatedSample } : {}),
    reExportedChanged: reExported,
    unexpected: new Set(unexpected).size,
    objectsPerSecond: recorded > 0 ? Math.round(recorded / ((lastRecord - firstStart) / 1000)) : 0,
    secondsToAllRecorded: +((lastRecord - firstStart) / 1000).toFixed(1),
    secondsToAllExported: +((lastExport - firstStart) / 1000).toFixed(1),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
