// The pipeline of `bench:cost`: the emulators and their counting proxies in a child process (cost-emulators.ts),
// and here the ingest, work and export handlers as the local stack composes them, their SDK clients pointed at
// the proxies, fed from in-process queues in SQS batches of 10. Uploads go straight to s3rver (not counted);
// each handler run is measured alone: the requests the proxies counted meanwhile and process.cpuUsage.
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { parseConfig } from "../packages/aws/src/index";
import { noteRecordFailure } from "../packages/cli/src/local/dead-letter-errors";
import { createMemoryQueue } from "../packages/cli/src/local/memory-queue";
import type { StoredRecord, WorkMessage } from "../packages/core/src/index";
import { createDeps } from "../packages/lambda/src/deps";
import { createExportHandler } from "../packages/lambda/src/export-handler";
import { createIngestHandler } from "../packages/lambda/src/ingest-handler";
import { createWorkHandler } from "../packages/lambda/src/work-handler";
import {
  type ChildMessage,
  ChildMessageSchema,
  DATA_BUCKET,
  EXPORTS_BUCKET,
  type ParentMessage,
  TABLE_NAME,
} from "./cost-protocol";
import type { OperationCounts } from "./cost-proxy";

/** The pipeline's three functions, each measured on its own. */
export const PHASES = ["ingest", "work", "export"] as const;
export type Phase = (typeof PHASES)[number];

/** What one phase cost: requests per service and operation, and CPU microseconds (user + system). */
export interface PhaseCost {
  s3: OperationCounts;
  dynamo: OperationCounts;
  cpuMicros: number;
  runs: number;
}

/** What a scenario cost, by phase. */
export type Costs = Record<Phase, PhaseCost>;

/** A running bench stack. */
export type CostStack = Awaited<ReturnType<typeof startCostStack>>;

const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench" };
const DRAIN_TIMEOUT_MS = 600_000;

/** Starts the emulators' process and the pipeline over it; `stop()` ends both. */
export async function startCostStack() {
  // Metric flushes would print EMF JSON on stdout, where the figures go.
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const child = fork(join(import.meta.dirname, "cost-emulators.ts"), {
    // s3rver's paginated ListObjectsV2 needs DES, which Node has only with this flag (toolchain.md §3.2).
    execArgv: [...process.execArgv, "--openssl-legacy-provider"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const messages = childMessages(child);
  const ready = await messages.next("ready");
  const s3 = s3Client(`http://127.0.0.1:${ready.s3ProxyPort}`);
  const uploads = s3Client(`http://127.0.0.1:${ready.s3Port}`);
  const dynamo = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${ready.dynamoProxyPort}`,
    region: "us-east-1",
    credentials: CREDENTIALS,
  });
  const config = parseConfig({
    DATA_BUCKET,
    EXPORTS_BUCKET,
    TABLE_NAME,
    AWS_REGION: "us-east-1",
    SETTLE_SECONDS: "0",
  });
  // Visibility long enough that no message is delivered twice: redelivery is the queue's cost, not the pipeline's.
  const ingestQueue = createMemoryQueue<string>({ name: "ingest", visibilityTimeoutMs: 600_000 });
  const workQueue = createMemoryQueue<WorkMessage>({ name: "work", visibilityTimeoutMs: 600_000 });
  const logger = new Logger({ serviceName: "sluice-cost", logLevel: "SILENT" });
  const deps = createDeps(config, { s3, dynamo, work: workQueue }, logger);
  const batchOptions = { onFailure: noteRecordFailure };
  const ingest = createIngestHandler(deps, batchOptions);
  const work = createWorkHandler(deps, batchOptions);
  const exporter = createExportHandler(deps);
  messages.onEvent(async (body) => ingestQueue.send(body));
  let costs = emptyCosts();

  /** Runs one handler call alone and adds what it cost to its phase. */
  async function measure<T>(phase: Phase, run: () => Promise<T>): Promise<T> {
    await messages.take();
    const before = process.cpuUsage();
    const result = await run();
    const cpu = process.cpuUsage(before);
    const counted = await messages.take();
    const cost = costs[phase];
    cost.cpuMicros += cpu.user + cpu.system;
    cost.runs += 1;
    addCounts(cost.s3, counted.s3);
    addCounts(cost.dynamo, counted.dynamo);
    return result;
  }

  return {
    /** Uploads objects `concurrency` at a time; each is answered once its event is in the ingest queue. */
    async put(objects: readonly { key: string; body: string | Uint8Array }[], concurrency = 16) {
      let next = 0;
      const worker = async () => {
        for (let object = objects[next++]; object !== undefined; object = objects[next++])
          await uploads.send(
            new PutObjectCommand({ Bucket: DATA_BUCKET, Key: object.key, Body: object.body }),
          );
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
    /** Drains the ingest queue, then the work queue, until both are empty. */
    async settle() {
      // A drain returns only once its queue is empty and nothing is in flight; a failed message is retried soon.
      const drain = { timeoutMs: DRAIN_TIMEOUT_MS, retryDelayMs: 100 };
      while (ingestQueue.size() + workQueue.size() > 0) {
        if (ingestQueue.size() > 0) await measure("ingest", () => ingestQueue.drain(ingest, drain));
        if (workQueue.size() > 0) await measure("work", () => workQueue.drain(work, drain));
      }
    },
    /** One run of the exporter. */
    exportOnce() {
      return measure("export", () => exporter({}, { awsRequestId: "bench-cost" }));
    },
    /** Starts counting afresh; answers what was counted since the last call. */
    takeCosts(): Costs {
      const taken = costs;
      costs = emptyCosts();
      return taken;
    },
    /** A record as the table holds it (not counted unless inside a measured run). */
    record(key: string): Promise<StoredRecord | null> {
      return deps.pipeline.records.get(DATA_BUCKET, key);
    },
    deadLetters() {
      return ingestQueue.deadLetters().length + workQueue.deadLetters().length;
    },
    async stop() {
      s3.destroy();
      uploads.destroy();
      dynamo.destroy();
      const exited = new Promise((done) => child.once("exit", done));
      child.send({ type: "stop" } satisfies ParentMessage);
      await exited;
    },
  };
}

/** The child's messages: events go to `onEvent` (then acknowledged), the rest to whoever waits for them. */
function childMessages(child: ChildProcess) {
  const waiting: { type: ChildMessage["type"]; resolve: (message: ChildMessage) => void }[] = [];
  let onEvent: (body: string) => Promise<void> = async () => {};
  child.on("message", (raw) => {
    const message = ChildMessageSchema.parse(raw);
    if (message.type === "event") {
      void onEvent(message.body).then(() =>
        child.send({ type: "ack", id: message.id } satisfies ParentMessage),
      );
      return;
    }
    const index = waiting.findIndex((w) => w.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(message);
  });
  child.once("exit", (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`bench:cost emulators exited with ${code}\n`);
  });
  const next = <K extends ChildMessage["type"]>(type: K) =>
    new Promise<Extract<ChildMessage, { type: K }>>((resolve) => {
      waiting.push({
        type,
        resolve: (message) => {
          if (message.type === type) resolve(message as Extract<ChildMessage, { type: K }>);
        },
      });
    });
  return {
    next,
    onEvent(handler: (body: string) => Promise<void>) {
      onEvent = handler;
    },
    take() {
      const counted = next("counts");
      child.send({ type: "take" } satisfies ParentMessage);
      return counted;
    },
  };
}

function s3Client(endpoint: string): S3Client {
  // Without WHEN_REQUIRED, stream bodies are stored with their aws-chunked framing (toolchain.md §3.2).
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

function emptyCosts(): Costs {
  const phase = (): PhaseCost => ({ s3: {}, dynamo: {}, cpuMicros: 0, runs: 0 });
  return { ingest: phase(), work: phase(), export: phase() };
}

function addCounts(into: OperationCounts, from: OperationCounts): void {
  for (const [operation, { requests, notFound }] of Object.entries(from)) {
    const entry = into[operation] ?? { requests: 0, notFound: 0 };
    into[operation] = { requests: entry.requests + requests, notFound: entry.notFound + notFound };
  }
}
