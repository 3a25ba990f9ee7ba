import { Logger } from "@aws-lambda-powertools/logger";
import { serve } from "@hono/node-server";
import { createApp } from "@sluice/api";
import { parseConfig } from "@sluice/aws";
import { type WorkMessage, WorkMessageSchema } from "@sluice/core";
import {
  createApiDeps,
  createDeliveryHandler,
  createDeps,
  createExportHandler,
  createIngestHandler,
  createWorkHandler,
  type Deps,
} from "@sluice/lambda";
import { z } from "zod";
import { lockDataDir } from "./data-dir-lock";
import { noteRecordFailure } from "./local/dead-letter-errors";
import { createMemoryDeadLetters } from "./local/memory-dead-letters";
import type { MemoryQueue } from "./local/memory-queue";
import { createS3rverBridge } from "./local/s3rver-bridge";
import { startLocalDynamo, startLocalS3 } from "./local-emulators";
import { type LocalSettings, parseLocalSettings, resolveApiToken } from "./local-env";
import { explainListenError } from "./local-ports";
import {
  LOCAL_FUNCTION_TIMEOUT_MS,
  openPersistentQueue,
  queueVisibilityMs,
  startDrainLoop,
} from "./local-queues";
import { recoverPreviousRun } from "./local-recovery";

/** How the stack is started beyond its environment. */
export interface LocalStackOptions {
  /** Builds the API from the deps and the token; by default the HTTP API of @sluice/api. */
  createFetch?: (deps: Deps, token: string) => FetchHandler;
  /** False leaves the queues undrained (tests of what survives a restart); default true. */
  drain?: boolean;
  /** Where the stack's own errors go (default stderr). */
  onError?: (error: unknown) => void;
  /** Where notices for people go, such as a reconcile after a run that did not stop cleanly (default stderr). */
  onNotice?: (message: string) => void;
}

/** A running local stack: its actual ports, its ready line, and a clean stop. */
export interface LocalStack {
  apiUrl: string;
  s3Url: string;
  bucket: string;
  exportsBucket: string;
  token: string;
  readyLine: string;
  deps: Deps;
  queues: { ingest: MemoryQueue<string>; work: MemoryQueue<WorkMessage> };
  /** Stops accepting, lets in-flight batches finish, writes the queues, closes every server, frees DATA_DIR. */
  stop(): Promise<void>;
}

/** A fetch-style request handler, as @hono/node-server serves it. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

const TABLE_NAME = "sluice-records";
const EXPORT_EVERY_MS = 2_000;

/**
 * Starts s3rver, dynalite, the ingest/work/export pipeline and the API, all on 127.0.0.1 and persisted under
 * DATA_DIR, which it holds alone (DataDirInUseError while another live stack holds it).
 */
export async function startLocalStack(
  env: Readonly<Record<string, string | undefined>>,
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const settings = parseLocalSettings(env);
  const lock = await lockDataDir(settings.dataDir);
  let stack: LocalStack;
  try {
    stack = await startOnDataDir(settings, lock.abandonedBy, options);
  } catch (error) {
    // A start that fails after a crash leaves the crash to be found by the next one.
    if (lock.abandonedBy === null) await lock.release();
    else lock.abandon();
    throw error;
  }
  return {
    ...stack,
    async stop() {
      // Released only once everything is written: a stop that fails is found as a crash by the next start.
      await stack.stop();
      await lock.release();
    },
  };
}

async function startOnDataDir(
  settings: LocalSettings,
  abandonedBy: number | null,
  options: LocalStackOptions,
): Promise<LocalStack> {
  const onError =
    options.onError ?? ((error: unknown) => process.stderr.write(`sluice: ${describe(error)}\n`));
  // Embedded metric flushes would print EMF JSON on stdout, where only the ready line belongs.
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  // The SDK's notice that its releases after January 2027 need Node 22 is for whoever upgrades Node, not
  // for every start of the stack (the README's requirements say so once).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const token = await resolveApiToken(settings);
  const config = parseConfig({
    ...settings.passThrough,
    DATA_BUCKET: settings.bucket,
    EXPORTS_BUCKET: settings.exportsBucket,
    TABLE_NAME,
    AWS_REGION: "us-east-1",
    SETTLE_SECONDS: "2",
  });
  // The queues and functions as deployed: visibility 6 × the function's timeout, extended while a batch runs.
  const timeouts = LOCAL_FUNCTION_TIMEOUT_MS;
  const ingestQueue = await openPersistentQueue(settings.dataDir, "ingest", z.string(), {
    visibilityTimeoutMs: queueVisibilityMs(timeouts.ingest),
  });
  const workQueue = await openPersistentQueue(settings.dataDir, "work", WorkMessageSchema, {
    visibilityTimeoutMs: queueVisibilityMs(timeouts.work),
  });
  // A port that is taken is one line naming it and its setting, not a stack trace.
  const buckets = [settings.bucket, settings.exportsBucket];
  const s3 = await startLocalS3(settings.dataDir, settings.s3Port, buckets).catch((error: unknown) => {
    throw explainListenError(error, "S3_PORT", settings.s3Port);
  });
  // A failed start closes what it opened, or the open servers would keep the process alive.
  const dynamo = await startLocalDynamo(settings.dataDir, settings.dynamodbPort, TABLE_NAME).catch(
    async (error: unknown) => {
      await s3.stop();
      throw explainListenError(error, "DYNAMODB_PORT", settings.dynamodbPort);
    },
  );
  const logger = new Logger({ serviceName: "sluice-local", logLevel: "SILENT" });
  const deadLetters = createMemoryDeadLetters({ ingest: ingestQueue.queue, work: workQueue.queue });
  const clients = { s3: s3.client, dynamo: dynamo.client, work: workQueue.queue, deadLetters };
  const deps = createDeps(config, clients, logger);
  // The stack's logger is silent (stdout is the ready line's), so the API's unexpected errors go to onError.
  const fetch =
    options.createFetch?.(deps, token) ??
    createApp({
      ...createApiDeps(deps, token),
      logError: (message, details) => onError(`${message} ${JSON.stringify(details)}`),
    }).fetch;
  const api = await listen(fetch, settings.port).catch(async (error: unknown) => {
    await s3.stop();
    await dynamo.stop();
    throw explainListenError(error, "PORT", settings.port);
  });

  // Only the data bucket's events, as the EventBridge rule in AWS: the exporter's own writes are not uploads.
  // An upload is answered once its event is in the ingest queue's journal: a kill after a 200 loses nothing.
  const bridge = createS3rverBridge(s3.server, (body) => ingestQueue.queue.send(body), {
    onError,
    bucket: settings.bucket,
    answerAfterSend: true,
  });
  // Lambda's batch response has only message ids: the handlers note why a message failed, for its dead letter.
  const batchOptions = { onFailure: noteRecordFailure };
  const loops =
    options.drain === false
      ? []
      : [
          startDrainLoop(ingestQueue.queue, createIngestHandler(deps, batchOptions), onError, {
            functionTimeoutMs: timeouts.ingest,
          }),
          startDrainLoop(workQueue.queue, createWorkHandler(deps, batchOptions), onError, {
            functionTimeoutMs: timeouts.work,
          }),
        ];
  const onNotice = options.onNotice ?? ((message: string) => process.stderr.write(`sluice: ${message}\n`));
  await recoverPreviousRun(deps, dynamo.client, abandonedBy, { notice: onNotice, error: onError });
  const exporter = startExporter(createExportHandler(deps), onError);
  // Delivery to Encord, when configured: the poller every few seconds, one long poll of at most 2 s each,
  // a run of at most 5 s (no Lambda timeout here, so no margin), which is also the longest `stop()` waits for it.
  const deliver = createDeliveryHandler(deps, { pollSeconds: 2, budgetMs: 5_000, marginMs: 0 });
  const poller = deps.encord ? startExporter(deliver, onError) : null;

  const apiUrl = `http://127.0.0.1:${api.port}`;
  const s3Url = `http://127.0.0.1:${s3.port}`;
  const readyLine = `sluice ready api=${apiUrl} s3=${s3Url} bucket=${settings.bucket} exports=${settings.exportsBucket} token=${token}`;
  let stopped: Promise<void> | undefined;
  return {
    apiUrl,
    s3Url,
    bucket: settings.bucket,
    exportsBucket: settings.exportsBucket,
    token,
    readyLine,
    deps,
    queues: { ingest: ingestQueue.queue, work: workQueue.queue },
    stop() {
      stopped ??= (async () => {
        await closeHttp(api.server);
        // The handlers read and write S3 through s3rver, so it closes only after they finish.
        await exporter.stop();
        await poller?.stop();
        await Promise.all(loops.map((loop) => loop.stop()));
        // s3rver emits an upload's event before it answers, so after close every event is in the bridge,
        // and from there in a queue (an answered upload's in its journal too), written below.
        await s3.stop();
        await bridge.settled().catch(onError);
        bridge.stop();
        await Promise.all([ingestQueue.flush(), workQueue.flush()]);
        await dynamo.stop();
      })();
      return stopped;
    },
  };
}

/** Serves the API on 127.0.0.1; rejects when the port is taken. */
function listen(fetch: FetchHandler, port: number) {
  return new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const server = serve({ fetch, port, hostname: "127.0.0.1" }, (info) =>
      resolve({ server, port: info.port }),
    );
    server.once("error", reject);
  });
}

/** Runs a scheduled handler (the exporter, the delivery poller) every EXPORT_EVERY_MS, never two at once. */
function startExporter(run: (event: unknown) => Promise<unknown>, onError: (error: unknown) => void) {
  let current: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    current = current.then(() => run({})).catch(onError);
  }, EXPORT_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}

function closeHttp(server: ReturnType<typeof serve>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive connections would hold close() open.
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
