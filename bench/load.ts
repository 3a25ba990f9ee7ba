// `npm run bench:load [-- --objects N --concurrency C --timeout S]`: starts the local stack as a child process
// on a temp DATA_DIR and free loopback ports, uploads N small real media objects (default 10,000; one in ten
// with a sidecar) from a concurrent S3 client, waits until every one is recorded and exported, then prints
// throughput, upload-to-record latency, the stack's peak memory, and lost/duplicated counts computed
// independently from the S3 listing, the records table and the exported import files. Target (issue 8):
// 0 lost, 0 duplicated, at least 200 objects/s on 2 cores. `--poison N` mixes in N uploads whose every event
// fails (load-poison.ts) and waits until the queues are empty: target (issue 14) exactly N dead letters, all of
// them poison, 0 good messages dead-lettered.

import { mkdtemp, rm } from "node:fs/promises";
import { Agent } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { exportedEntries, listKeys, type SeenRecord, scanRecords } from "./load-check";
import { apiDeadLetters, interleave, planPoison, plantUnreadableRecords, readQueues } from "./load-poison";
import { processUsage, startBenchStack } from "./load-stack";
import { tally } from "./load-tally";
import { planObjects, uploadAll } from "./load-upload";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURES = join(ROOT, "test/fixtures/media");
const TABLE = "sluice-records";
const POLL_MS = 3_000;
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench" };

const { values } = parseArgs({
  options: {
    objects: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "32" },
    timeout: { type: "string", default: "1800" },
    poison: { type: "string", default: "0" },
  },
});
const count = Number(values.objects);
const concurrency = Number(values.concurrency);
const timeoutMs = Number(values.timeout) * 1000;
const poisonCount = Number(values.poison);

const dataDir = await mkdtemp(join(tmpdir(), "sluice-load-"));
const stack = await startBenchStack(ROOT, dataDir);
const s3 = new S3Client({
  endpoint: stack.s3,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: CREDENTIALS,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
  requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency }) },
});
const dynamo = new DynamoDBClient({ endpoint: stack.dynamo, region: "us-east-1", credentials: CREDENTIALS });
try {
  const plan = planObjects(count);
  const poison = planPoison(poisonCount);
  const poisonKeys = new Set(poison.map((p) => p.key));
  await plantUnreadableRecords(dynamo, TABLE, stack.bucket, poison);
  const uploadStart = Date.now();
  const timings = await uploadAll(s3, stack.bucket, FIXTURES, interleave(plan, poison), concurrency);
  const uploadMs = Date.now() - uploadStart;
  const records = await waitUntilExported(plan, uploadStart + timeoutMs);
  const queues = poisonCount > 0 ? await waitUntilQueuesEmpty(poisonKeys, uploadStart + timeoutMs) : null;
  const usage = await processUsage(stack.pid);
  const listed = (await listKeys(s3, stack.bucket, "load/")).filter((k) => !poisonKeys.has(k));
  const finalRecords = await scanRecords(dynamo, TABLE, stack.bucket);
  for (const key of poisonKeys) finalRecords.delete(key);
  const exported = await exportedEntries(s3, stack.exportsBucket);
  const result = tally({ plan, timings, listed, records: finalRecords, exported });
  const report = {
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? "?",
      memGb: +(totalmem() / 2 ** 30).toFixed(1),
    },
    node: process.version,
    objects: count,
    sidecars: plan.filter((p) => p.sidecar !== "none").length,
    concurrency,
    uploadSeconds: +(uploadMs / 1000).toFixed(1),
    uploadsPerSecond: +(timings.size / (uploadMs / 1000)).toFixed(0),
    completed: records !== null,
    ...result,
    stackPeakRssMb: usage ? +usage.peakRssMb.toFixed(0) : null,
    stackCpuSeconds: usage ? +usage.cpuSeconds.toFixed(1) : null,
    ...(queues === null ? {} : { poison: { injected: poisonCount, ...queues } }),
  };
  printTable(report);
  console.log(`BENCH_LOAD ${JSON.stringify(report)}`);
  if (!report.completed || report.lost > 0 || report.duplicated > 0) process.exitCode = 1;
  if (queues !== null && (queues.poisonDeadLettered !== poisonCount || queues.deadLetters !== poisonCount))
    process.exitCode = 1;
} finally {
  s3.destroy();
  dynamo.destroy();
  await stack.stop();
  // LOAD_KEEP_DATA=1 keeps the stack's data directory for a look at a failed run.
  if (process.env.LOAD_KEEP_DATA) console.log(`data kept in ${dataDir}`);
  else await rm(dataDir, { recursive: true, force: true });
}

/** Polls the table until every planned object has its finished, exported record; null on timeout. */
async function waitUntilExported(
  plan: ReturnType<typeof planObjects>,
  deadline: number,
): Promise<Map<string, SeenRecord> | null> {
  let last = "";
  while (Date.now() < deadline) {
    const records = await scanRecords(dynamo, TABLE, stack.bucket);
    let recorded = 0;
    let exportedCount = 0;
    for (const object of plan) {
      const record = records.get(object.key);
      if (record?.status !== "ready" || (object.sidecar !== "none" && !record.sidecar)) continue;
      recorded += 1;
      if (record.exportState === "exported") exportedCount += 1;
    }
    const line = `  … ${recorded}/${plan.length} recorded, ${exportedCount} exported`;
    if (line !== last && process.stderr.isTTY) process.stderr.write(`${line}\n`);
    last = line;
    if (exportedCount === plan.length) return records;
    await delay(POLL_MS);
  }
  return null;
}

/**
 * Waits until both queues are empty (every message acknowledged or dead-lettered), reading the queues' own
 * files; answers what they and the API then say about dead letters. On timeout, answers what they hold then.
 */
async function waitUntilQueuesEmpty(poisonKeys: ReadonlySet<string>, deadline: number) {
  let queues = await readQueues(dataDir, poisonKeys);
  while (queues.queued > 0 && Date.now() < deadline) {
    await delay(POLL_MS);
    queues = await readQueues(dataDir, poisonKeys);
  }
  return { ...queues, api: await apiDeadLetters(stack.api, stack.token) };
}

function printTable(report: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(report).map((k) => k.length));
  for (const [key, value] of Object.entries(report))
    console.log(`${key.padEnd(width)}  ${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
}
