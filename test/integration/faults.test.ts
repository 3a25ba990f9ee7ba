import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cutWritesAfterTheirIndexes } from "../helpers/dynalite-crash";
import { mediaBytes } from "../helpers/media";
import { DATA_BUCKET, type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline();
});
afterAll(async () => {
  await h?.stop();
});

const OBJECTS = 12;
const faults: (() => void)[] = [];
afterEach(() => {
  for (const remove of faults.splice(0)) remove();
});

type Client<I extends object, O extends object> = { middlewareStack: MiddlewareStack<I, O> };

/**
 * Makes a client's `command` fail with `error()` on the calls `fails(n)` picks (n counts from 1),
 * above the SDK's own retries, so that the failure reaches Sluice's code as a retried call would.
 */
function inject<I extends object, O extends object>(
  client: Client<I, O>,
  command: string,
  fails: (n: number) => boolean,
  error: () => Error,
) {
  const name = `fault-${command}-${faults.length}`;
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command) {
        calls += 1;
        if (fails(calls)) throw error();
      }
      return next(args);
    },
    { step: "initialize", name },
  );
  faults.push(() => client.middlewareStack.remove(name));
}

function awsError(name: string, status: number, message: string): Error {
  const fault = status >= 500 ? "server" : "client";
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

async function upload(prefix: string): Promise<void> {
  for (let i = 0; i < OBJECTS; i += 1) await h.put(`${prefix}/img-${i}.png`, mediaBytes("image.png"));
}

/**
 * Lost and duplicated objects under a prefix, counted from two independent sources: the data
 * bucket's listing and the entries of every import file in the exports bucket.
 */
async function tally(prefix: string) {
  const listed = await h.s3.client.send(
    new ListObjectsV2Command({ Bucket: DATA_BUCKET, Prefix: `${prefix}/` }),
  );
  const keys = (listed.Contents ?? []).flatMap((c) => (c.Key ? [c.Key] : []));
  const entries = (await h.exportedEntries()).filter((e) => String(e.title).startsWith(`${prefix}/`));
  const count = (key: string) => entries.filter((e) => e.title === key).length;
  return {
    listed: keys.length,
    lost: keys.filter((key) => count(key) === 0).length,
    duplicated: keys.filter((key) => count(key) > 1).length,
    deadLetters: h.ingestQueue.deadLetters().length + h.workQueue.deadLetters().length,
  };
}

/** Receives up to ten ingest messages as one Lambda batch, without acknowledging them. */
function receiveBatch(): SQSEvent {
  const messages = h.ingestQueue.receive(10);
  return {
    Records: messages.map((message) => ({
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: h.ingestQueue.arn,
      awsRegion: "eu-west-1",
    })),
  };
}

const CLEAN = { listed: OBJECTS, lost: 0, duplicated: 0, deadLetters: 0 };

describe("fault injection: nothing lost, nothing duplicated", () => {
  it("recovers from S3 500, 503 and SlowDown on reads", async () => {
    const errors = [
      () => awsError("InternalError", 500, "We encountered an internal error."),
      () => awsError("ServiceUnavailable", 503, "Service Unavailable"),
      () => awsError("SlowDown", 503, "Please reduce your request rate."),
    ];
    let n = 0;
    inject(
      h.s3.client,
      "GetObjectCommand",
      (call) => call % 3 === 0 && call < 40,
      () => {
        n += 1;
        return (errors[n % 3] ?? errors[0])?.() ?? new Error("unreachable");
      },
    );
    await upload("s3-faults");
    await h.settle();
    for (const remove of faults.splice(0)) remove();
    await h.exportNow();
    await h.exportNow();

    expect(n).toBeGreaterThan(3);
    expect(await tally("s3-faults")).toEqual(CLEAN);
  });

  it("recovers from DynamoDB throttling of reads and writes", async () => {
    const throttle = () =>
      awsError(
        "ProvisionedThroughputExceededException",
        400,
        "Rate of requests exceeds the allowed throughput.",
      );
    inject(h.dynamo.client, "PutItemCommand", (call) => call % 4 === 0 && call < 40, throttle);
    inject(h.dynamo.client, "GetItemCommand", (call) => call % 5 === 0 && call < 40, throttle);
    inject(h.dynamo.client, "UpdateItemCommand", (call) => call === 2, throttle);
    await upload("ddb-faults");
    await h.settle();
    await h.exportNow().catch(() => undefined);
    for (const remove of faults.splice(0)) remove();
    await h.exportNow();
    await h.exportNow();

    expect(await tally("ddb-faults")).toEqual(CLEAN);
  });

  it("recovers from a timeout in the middle of a batch", async () => {
    h.bridgePaused = true;
    await upload("timeout");
    await h.flushBridge();
    h.bridgePaused = false;
    for (const body of h.held.splice(0)) await h.ingestQueue.send(body);
    // One read never answers: the invocation is cut off, as Lambda's timeout would.
    let hung = false;
    h.s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "GetObjectCommand" && !hung) {
          hung = true;
          return new Promise<never>(() => undefined);
        }
        return next(args);
      },
      { step: "initialize", name: "hang-once" },
    );
    faults.push(() => h.s3.client.middlewareStack.remove("hang-once"));
    const batch = receiveBatch();
    const timedOut = await Promise.race([
      h.ingest(batch as never, {} as never).then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300)),
    ]);
    for (const remove of faults.splice(0)) remove();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await h.settle();
    await h.exportNow();

    expect(batch.Records.length).toBe(10);
    expect([hung, timedOut]).toEqual([true, true]);
    expect(await tally("timeout")).toEqual(CLEAN);
  });

  it("changes nothing when a batch is processed but its acknowledgement is lost", async () => {
    h.bridgePaused = true;
    await upload("no-ack");
    await h.flushBridge();
    h.bridgePaused = false;
    for (const body of h.held.splice(0)) await h.ingestQueue.send(body);
    const batch = receiveBatch();
    const first = await h.ingest(batch as never, {} as never);
    const revisions = await Promise.all(batch.Records.map(async (r) => (await recordOf(r.body))?.revision));
    // Crash: the function wrote every record, but the messages were never deleted.
    await new Promise((resolve) => setTimeout(resolve, 60));
    await h.settle();
    const after = await Promise.all(batch.Records.map(async (r) => (await recordOf(r.body))?.revision));
    await h.exportNow();

    expect(first).toEqual({ batchItemFailures: [] });
    expect(after).toEqual(revisions);
    expect(await tally("no-ack")).toEqual(CLEAN);
  });

  it("exports each record once when the exporter crashes between writing a file and marking its records", async () => {
    await upload("export-crash");
    await h.settle();
    inject(
      h.dynamo.client,
      "UpdateItemCommand",
      (call) => call > OBJECTS + 3,
      () => new Error("crashed"),
    );
    const crashed = await h.exportNow().then(
      () => "finished",
      (error: Error) => error.message,
    );
    for (const remove of faults.splice(0)) remove();
    const filesAfterCrash = (await h.exportedEntries()).filter((e) =>
      String(e.title).startsWith("export-crash/"),
    );
    const second = await h.exportNow();
    await h.exportNow();

    expect(crashed).toContain("crashed");
    expect(filesAfterCrash).toHaveLength(OBJECTS);
    expect(second.exported).toBe(OBJECTS - 3);
    expect(second.files).toEqual([]);
    expect(await tally("export-crash")).toEqual(CLEAN);
    expect((await h.record("export-crash/img-0.png"))?.export.state).toBe("exported");
  });

  it.each(["claims it", "writes its file"] as const)(
    "exports a record once when an event rewrites it unchanged while the exporter %s",
    async (moment) => {
      const prefix = moment === "claims it" ? "rewrite-claim" : "rewrite-file";
      h.bridgePaused = true;
      await h.put(`${prefix}/a.png`, mediaBytes("image.png"));
      await h.put(`${prefix}/a.png.metadata.json`, JSON.stringify({ camera: "left" }));
      await h.flushBridge();
      h.bridgePaused = false;
      const [data, sidecar] = h.held.splice(0);
      await h.ingestQueue.send(data ?? "");
      await h.settle();
      // The sidecar's own event arrives mid-export: the record is rewritten with the same entry.
      let sent = false;
      const rewrite = async () => {
        if (sent) return;
        sent = true;
        await h.ingestQueue.send(sidecar ?? "");
        await h.settle();
      };
      const { exports, records } = h.deps.pipeline;
      h.deps.pipeline.exports = {
        ...exports,
        putImport: async (...args) => {
          if (moment === "writes its file") await rewrite();
          return exports.putImport(...args);
        },
      };
      const claimExport = records.claimExport.bind(records);
      records.claimExport = async (...args) => {
        if (moment === "claims it") await rewrite();
        return claimExport(...args);
      };
      const before = await h.record(`${prefix}/a.png`);
      const first = await h.exportNow().finally(() => {
        h.deps.pipeline.exports = exports;
        records.claimExport = claimExport;
      });
      const second = await h.exportNow();
      const after = await h.record(`${prefix}/a.png`);

      expect(sent).toBe(true);
      expect(after?.revision).toBeGreaterThan((before?.revision ?? Number.POSITIVE_INFINITY) + 2);
      expect(after?.clientMetadata).toEqual({ camera: "left" });
      expect(first.changedMeanwhile).toBe(0);
      expect(second.files).toEqual([]);
      expect(after?.export.state).toBe("exported");
      expect((await h.exportedEntries()).filter((e) => e.title === `${prefix}/a.png`)).toHaveLength(1);
    },
  );

  it("exports each record once when the exporter crashes after claiming records but before writing the file", async () => {
    await upload("claim-crash");
    await h.settle();
    inject(
      h.s3.client,
      "PutObjectCommand",
      (call) => call === 1,
      () => awsError("InternalError", 500, "crashed"),
    );
    const crashed = await h.exportNow().then(
      () => "finished",
      (error: Error) => error.message,
    );
    for (const remove of faults.splice(0)) remove();
    const claimed = await h.record("claim-crash/img-0.png");
    await h.exportNow();
    await h.exportNow();

    expect(crashed).toContain("crashed");
    expect(claimed?.export).toMatchObject({ state: "pending", file: expect.stringMatching(/^imports\//) });
    expect(await tally("claim-crash")).toEqual(CLEAN);
  });
});

describe("the exporter exports only what it claimed, as the table holds it", () => {
  it("exports a record once when a kill -9 left the pendingExport index with a copy of a write that never happened", async () => {
    // The record's first write reaches the index only (the process dies before the item is written); its
    // event was never acknowledged, so it is delivered again and written anew, at a later time. The index
    // keeps the dead write's entry: before the fix, every run exported that copy into a new file, forever.
    const key = "killed/a.png";
    let dead: string | undefined;
    const stop = cutWritesAfterTheirIndexes((attribute) => {
      const sk = attribute("pendingSk");
      if (attribute("pk") !== `${DATA_BUCKET}#${key}` || sk === undefined) return false;
      dead ??= sk;
      return sk === dead;
    });
    await h.put(key, mediaBytes("image.png"));
    const cuts = await h.settle().then(stop, (error: unknown) => {
      stop();
      throw error;
    });
    const runs = [];
    for (let run = 0; run < 4; run += 1) runs.push(await h.exportNow());
    const entries = (await h.exportedEntries()).filter((e) => e.title === key);

    expect(cuts).toBeGreaterThan(0);
    expect(runs.map((run) => run.files.length)).toEqual([1, 0, 0, 0]);
    expect(entries).toHaveLength(1);
    expect((await h.record(key))?.export.state).toBe("exported");
  });

  it("skips a record whose entry changed between listing and claiming, and exports its new entry next run", async () => {
    const key = "changed-claim/a.png";
    await h.put(key, mediaBytes("image.png"));
    await h.settle();
    const { records } = h.deps.pipeline;
    const claimExport = records.claimExport.bind(records);
    let changed = false;
    records.claimExport = async (...args) => {
      if (!changed) {
        changed = true;
        await h.put(`${key}.metadata.json`, JSON.stringify({ camera: "right" }));
        await h.settle();
      }
      return claimExport(...args);
    };
    const first = await h.exportNow().finally(() => {
      records.claimExport = claimExport;
    });
    const second = await h.exportNow();
    const entries = (await h.exportedEntries()).filter((e) => e.title === key);

    expect(changed).toBe(true);
    expect(first.files).toEqual([]);
    expect(first.changedMeanwhile).toBe(1);
    expect(second.files).toHaveLength(1);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.clientMetadata).toEqual({ camera: "right" });
    expect((await h.record(key))?.export.state).toBe("exported");
  });
});

async function recordOf(body: string) {
  const parsed: { detail?: { object?: { key?: string } } } = JSON.parse(body);
  return h.record(decodeURIComponent(parsed.detail?.object?.key ?? ""));
}
