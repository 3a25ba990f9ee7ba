import { Logger } from "@aws-lambda-powertools/logger";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { parseConfig } from "../../packages/aws/src/index";
import { noteRecordFailure } from "../../packages/cli/src/local/dead-letter-errors";
import { createMemoryQueue } from "../../packages/cli/src/local/memory-queue";
import { createS3rverBridge } from "../../packages/cli/src/local/s3rver-bridge";
import type { StoredRecord, WorkMessage } from "../../packages/core/src/index";
import { createDeps, type Deps } from "../../packages/lambda/src/deps";
import { createExportHandler } from "../../packages/lambda/src/export-handler";
import { createIngestHandler } from "../../packages/lambda/src/ingest-handler";
import { createWorkHandler } from "../../packages/lambda/src/work-handler";
import { createRecordsTable, startDynalite, startS3rver } from "./emulators";

export const DATA_BUCKET = "ingest";
export const EXPORTS_BUCKET = "sluice-exports";

/**
 * The whole pipeline against real emulators: s3rver events → the local bridge → an in-process
 * ingest queue → the ingest handler → dynalite; the work queue and exporter through their handlers.
 */
export async function startPipeline(env: Record<string, string> = {}) {
  const s3 = await startS3rver([DATA_BUCKET, EXPORTS_BUCKET]);
  const dynamo = await startDynalite();
  const table = await createRecordsTable(dynamo.client, "sluice-records");
  const config = parseConfig({
    DATA_BUCKET,
    EXPORTS_BUCKET,
    TABLE_NAME: table,
    AWS_REGION: "eu-west-1",
    SETTLE_SECONDS: "0",
    ...env,
  });
  const ingestQueue = createMemoryQueue<string>({ name: "ingest", visibilityTimeoutMs: 50 });
  const workQueue = createMemoryQueue<WorkMessage>({ name: "work", visibilityTimeoutMs: 50 });
  const logger = new Logger({ serviceName: "sluice-test", logLevel: "SILENT" });
  const deps: Deps = createDeps(config, { s3: s3.client, dynamo: dynamo.client, work: workQueue }, logger);
  const bodies: string[] = [];
  const held: string[] = [];
  const bridge = createS3rverBridge(s3.server, (body) => {
    bodies.push(body);
    if (harness.bridgePaused) {
      held.push(body);
      return;
    }
    return ingestQueue.send(body);
  });
  // As the local stack composes them: a failed message's reason is noted for its dead letter.
  const ingest = createIngestHandler(deps, { onFailure: noteRecordFailure });
  const work = createWorkHandler(deps, { onFailure: noteRecordFailure });
  const exporter = createExportHandler(deps);
  const context = { awsRequestId: "test" };

  const harness = {
    s3,
    dynamo,
    deps,
    ingestQueue,
    workQueue,
    /** Every event body the bridge produced, in order. */
    bodies,
    /** While true, the bridge's bodies are held back in `held` instead of queued. */
    bridgePaused: false,
    held,
    flushBridge: () => bridge.settled(),
    async put(key: string, body: string | Uint8Array) {
      await s3.client.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: key, Body: body }));
    },
    async remove(key: string) {
      await s3.client.send(new DeleteObjectCommand({ Bucket: DATA_BUCKET, Key: key }));
    },
    /** Waits for the bridge, then drains the ingest and work queues until both are empty. */
    async settle() {
      await bridge.settled();
      for (
        let round = 0;
        round < 100 &&
        ingestQueue.size() + ingestQueue.inFlight() + workQueue.size() + workQueue.inFlight() > 0;
        round += 1
      ) {
        await ingestQueue.drain(ingest, { timeoutMs: 120_000 });
        await workQueue.drain(work, { timeoutMs: 120_000 });
      }
    },
    async exportNow() {
      return exporter({}, context);
    },
    async record(key: string): Promise<StoredRecord | null> {
      return deps.pipeline.records.get(DATA_BUCKET, key);
    },
    /** Every import file in the exports bucket, the exporter's and ad-hoc, parsed, in key order. */
    async exportedFiles(): Promise<{ key: string; file: Record<string, unknown> }[]> {
      const listed = await s3.client.send(
        new ListObjectsV2Command({ Bucket: EXPORTS_BUCKET, Prefix: "imports/" }),
      );
      const keys = (listed.Contents ?? []).flatMap((c) => (c.Key ? [c.Key] : [])).sort();
      const files: { key: string; file: Record<string, unknown> }[] = [];
      for (const key of keys) {
        const got = await s3.client.send(new GetObjectCommand({ Bucket: EXPORTS_BUCKET, Key: key }));
        files.push({ key, file: JSON.parse((await got.Body?.transformToString()) ?? "{}") });
      }
      return files;
    },
    /** Every entry of every import file in the exports bucket, with its import key. */
    async exportedEntries(): Promise<({ importKey: string } & Record<string, unknown>)[]> {
      const entries: ({ importKey: string } & Record<string, unknown>)[] = [];
      for (const { file } of await harness.exportedFiles()) {
        for (const [importKey, list] of Object.entries(file)) {
          if (Array.isArray(list)) for (const entry of list) entries.push({ importKey, ...entry });
        }
      }
      return entries;
    },
    ingest,
    async stop() {
      bridge.stop();
      await s3.stop();
      await dynamo.stop();
    },
  };
  return harness;
}

export type PipelineHarness = Awaited<ReturnType<typeof startPipeline>>;
