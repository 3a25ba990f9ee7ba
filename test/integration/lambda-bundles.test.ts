// The bundles AWS runs (issue 13): each function built as SST 4.17.1 builds it, copied alone into an empty folder,
// loaded by Node 22 (the `nodejs22.x` runtime) with only the environment Lambda gives it, and invoked with the
// event its trigger sends, against the emulators. The cases run in order as one small pipeline: an upload is
// ingested, a defaults change fans out through SQS to the work function, the exporter writes the import file, the
// poller delivers it to the fake Encord, the API reads the result, and the reconcile starts a job.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { LambdaFunctionURLEvent, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseConfig } from "../../packages/aws/src/index";
import { type FakeEncord, startFakeEncord } from "../../packages/cli/src/fake-encord/index";
import { WorkMessageSchema } from "../../packages/core/src/index";
import { createDeps, type Deps } from "../../packages/lambda/src/deps";
import {
  createRecordsTable,
  type Dynalite,
  type S3rverHandle,
  startDynalite,
  startS3rver,
} from "../helpers/emulators";
import { writeEncordKey } from "../helpers/encord-key";
import {
  buildBundles,
  type IsolatedBundle,
  isolateBundle,
  type LambdaFunctionSettings,
  type LambdaHandler,
  type LambdaRun,
  lambdaNode,
  resolvableAbove,
  runInLambdaNode,
} from "../helpers/lambda-node";
import { mediaBytes } from "../helpers/media";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const DATA_BUCKET = "sluice-ci-data";
const EXPORTS_BUCKET = "sluice-ci-exports";
const TABLE = "sluice-ci-records";
const API_TOKEN = "bundle-test-token-0123456789";
const FOLDER = "00000000-0000-4000-8000-0000000000f1";
const INTEGRATION = "00000000-0000-4000-8000-0000000000a1";

let work: string;
let bundles: Map<LambdaHandler, IsolatedBundle>;
let s3: S3rverHandle;
let dynamo: Dynalite;
let aws: AwsJsonRecorder;
let encord: FakeEncord;
let encordKey: string;
let reader: Deps;

beforeAll(async () => {
  // Fails at once, saying how to install it, when Node 22 is missing.
  lambdaNode();
  work = await mkdtemp(join(tmpdir(), "sluice-bundles-"));
  const built = buildBundles(join(work, "build"));
  [s3, dynamo, aws] = await Promise.all([
    startS3rver([DATA_BUCKET, EXPORTS_BUCKET]),
    startDynalite(),
    startAwsJsonRecorder(),
  ]);
  await createRecordsTable(dynamo.client, TABLE);
  const { keyFile, sshLine } = await writeEncordKey(work);
  encordKey = await readFile(keyFile, "utf8");
  encord = await startFakeEncord({
    keys: [sshLine],
    integrations: [INTEGRATION],
    folders: [FOLDER],
    longPollCapSeconds: 1,
    jobDelayMs: 20,
  });
  const isolated = await Promise.all(
    [...(await built)].map(async ([handler, b]) => [handler, await isolateBundle(b)] as const),
  );
  bundles = new Map(isolated);
  // The test's own view of the table and buckets, through the same adapters.
  reader = createDeps(
    parseConfig({ DATA_BUCKET, EXPORTS_BUCKET, TABLE_NAME: TABLE, AWS_REGION: REGION }),
    { s3: s3.client, dynamo: dynamo.client, work: { send: async () => {} } },
    new Logger({ logLevel: "SILENT" }),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([s3?.stop(), dynamo?.stop(), aws?.stop(), encord?.stop()]);
  for (const bundle of bundles?.values() ?? []) await rm(bundle.taskRoot, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

/** Each function's settings as stacks/*.ts declare them (memory, timeout, environment), pointed at the emulators. */
function functionSettings(handler: LambdaHandler): LambdaFunctionSettings {
  const queueUrl = (name: string) => `${aws.url}/${ACCOUNT}/${name}`;
  const base = {
    DATA_BUCKET,
    EXPORTS_BUCKET,
    TABLE_NAME: TABLE,
    // A stage setting; 0 so that the exporter takes what was just ingested.
    SETTLE_SECONDS: "0",
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: aws.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
  };
  const sendsWork = { WORK_QUEUE_URL: workQueueUrl() };
  const events = { EVENT_BUS_NAME: "default" };
  const delivery = {
    ENCORD_DOMAIN: encord.url,
    ENCORD_FOLDER: FOLDER,
    ENCORD_INTEGRATION: INTEGRATION,
    ENCORD_SSH_KEY: encordKey,
  };
  const name = handler.slice("functions/".length, handler.indexOf("."));
  const fn = (memoryMB: number, timeoutSeconds: number, environment: Record<string, string>) => ({
    functionName: `sluice-ci-${name}`,
    memoryMB,
    timeoutSeconds,
    region: REGION,
    environment: { ...base, ...environment },
  });
  switch (handler) {
    case "functions/ingest.handler":
      return fn(1024, 60, { ...sendsWork, ...events });
    case "functions/work.handler":
      return fn(1024, 300, { ...sendsWork, ...events });
    case "functions/export.handler":
      return fn(512, 120, { ...events, ...delivery });
    case "functions/api.handler":
      return fn(1024, 30, {
        ...sendsWork,
        API_TOKEN,
        INGEST_QUEUE_URL: queueUrl("sluice-ci-IngestQueue"),
        INGEST_DLQ_URL: queueUrl("sluice-ci-IngestDlq"),
        WORK_DLQ_URL: queueUrl("sluice-ci-WorkDlq"),
        ...delivery,
      });
    case "functions/reconcile.handler":
      return fn(256, 30, { ...sendsWork, RECONCILE_PREFIX: "" });
    case "functions/deliver.handler":
      return fn(512, 60, delivery);
  }
}

/** Runs one function's bundle on Node 22 with `events`, one invocation each, and checks it ran on 22. */
async function invoke(handler: LambdaHandler, events: readonly unknown[]): Promise<LambdaRun> {
  const bundle = bundles.get(handler);
  if (!bundle) throw new Error(`${handler} was not built`);
  const run = await runInLambdaNode(bundle, functionSettings(handler), events);
  expect(run.version).toMatch(/^v22\./);
  for (const invocation of run.invocations) {
    if (!invocation.ok)
      throw new Error(`${handler} threw ${invocation.errorType}: ${invocation.errorMessage}`);
  }
  return run;
}

/** What the handler returned in the run's `index`th invocation. */
function answerOf(run: LambdaRun, index = 0): unknown {
  const invocation = run.invocations[index];
  if (!invocation?.ok) throw new Error(`invocation ${index} did not answer`);
  return invocation.value;
}

const CREATED: Record<string, unknown> = JSON.parse(
  readFileSync(join(import.meta.dirname, "../fixtures/events/object-created.json"), "utf8"),
);

/** Uploads an object to the data bucket and answers the EventBridge "Object Created" event S3 would send. */
async function upload(key: string, body: string | Uint8Array) {
  const put = await s3.client.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: key, Body: body }));
  const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  return {
    ...CREATED,
    id: randomUUID(),
    time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    region: REGION,
    account: ACCOUNT,
    resources: [`arn:aws:s3:::${DATA_BUCKET}`],
    detail: {
      version: "0",
      bucket: { name: DATA_BUCKET },
      // EventBridge keys are URL-encoded like notification keys; these need no encoding.
      object: { key, size, etag: (put.ETag ?? "").replaceAll('"', ""), sequencer: sequencer() },
      "request-id": "N4N7GDK58NMKJ12R",
      requester: ACCOUNT,
      "source-ip-address": "203.0.113.7",
      reason: "PutObject",
    },
  };
}

let sequence = 0;
/** An S3 sequencer: hexadecimal, growing with every upload. */
function sequencer(): string {
  sequence += 1;
  return (Date.now() * 1000 + sequence).toString(16).toUpperCase().padStart(16, "0");
}

/** The event an SQS event source mapping hands a function: one record per message body. */
function sqsEvent(queue: string, bodies: readonly string[]): SQSEvent {
  const now = String(Date.now());
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: `AQEB${randomUUID().replaceAll("-", "")}`,
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: now,
        SenderId: "AROAEXAMPLE:events",
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`,
      awsRegion: REGION,
    })),
  };
}

// SST's CronV2 gives its schedule the input JSON.stringify(args.event || {}); the stacks set no event.
const SCHEDULED_EVENT = {};

const URL_DOMAIN = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws";

/** A Lambda Function URL request (payload format 2.0). */
function urlEvent(path: string, headers: Record<string, string> = {}): LambdaFunctionURLEvent {
  const [rawPath = "/", rawQueryString = ""] = path.split("?");
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: {
      host: URL_DOMAIN,
      accept: "application/json",
      "user-agent": "curl/8.5.0",
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      "x-amzn-trace-id": `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      ...headers,
    },
    requestContext: {
      accountId: "anonymous",
      apiId: URL_DOMAIN.split(".")[0] ?? "",
      domainName: URL_DOMAIN,
      domainPrefix: URL_DOMAIN.split(".")[0] ?? "",
      http: {
        method: "GET",
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: "curl/8.5.0",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

const record = (key: string) => reader.pipeline.records.get(DATA_BUCKET, key);

const workQueueUrl = () => `${aws.url}/${ACCOUNT}/sluice-ci-WorkQueue`;

/** Every message the bundles sent to the work queue, parsed as the work function parses them. */
const sentWork = () =>
  aws.calls.flatMap((call) => {
    const sent = SendMessageSchema.safeParse(call.body);
    return call.target === "AmazonSQS.SendMessage" && sent.success && sent.data.QueueUrl === workQueueUrl()
      ? [WorkMessageSchema.parse(JSON.parse(sent.data.MessageBody))]
      : [];
  });

/** A Function URL response (payload format 2.0) as the API's handler returns it. */
const UrlResponseSchema = z.object({ statusCode: z.number(), body: z.string() });

describe("the six Lambda bundles, each alone on Node 22", () => {
  it("runs each bundle from a folder with no node_modules or package.json above it", () => {
    expect(bundles.size).toBe(6);
    for (const bundle of bundles.values()) expect(resolvableAbove(bundle.taskRoot)).toEqual([]);
  });

  it("ingest: records an upload as ready when SQS brings its EventBridge event", async () => {
    const event = await upload("d/image.png", mediaBytes("image.png"));

    const run = await invoke("functions/ingest.handler", [
      sqsEvent("sluice-ci-IngestQueue", [JSON.stringify(event)]),
    ]);

    expect(answerOf(run)).toEqual({ batchItemFailures: [] });
    expect(await record("d/image.png")).toMatchObject({ status: "ready", dataType: "image" });
    expect(aws.calls.some((call) => call.target === "AWSEvents.PutEvents")).toBe(true);
  });

  it("ingest and work: a defaults change goes through the SQS work queue and re-derives the folder", async () => {
    const event = await upload("d/_defaults.json", JSON.stringify({ site: "lab-7" }));
    const ingested = await invoke("functions/ingest.handler", [
      sqsEvent("sluice-ci-IngestQueue", [JSON.stringify(event)]),
    ]);
    const message = sentWork().find((m) => m.type === "rederive-prefix" && m.source === "d/_defaults.json");
    expect(answerOf(ingested)).toEqual({ batchItemFailures: [] });
    expect(message).toMatchObject({ bucket: DATA_BUCKET, prefix: "d/", cursor: null });

    const run = await invoke("functions/work.handler", [
      sqsEvent("sluice-ci-WorkQueue", [JSON.stringify(message)]),
    ]);

    expect(answerOf(run)).toEqual({ batchItemFailures: [] });
    expect((await record("d/image.png"))?.clientMetadata).toMatchObject({ site: "lab-7" });
  });

  it("export: writes the settled record into an import file on its schedule", async () => {
    const run = await invoke("functions/export.handler", [SCHEDULED_EVENT]);

    expect(answerOf(run)).toMatchObject({ leased: true, exported: 1, invalid: 0 });
    const listed = await s3.client.send(
      new ListObjectsV2Command({ Bucket: EXPORTS_BUCKET, Prefix: "imports/" }),
    );
    const [file] = listed.Contents ?? [];
    const got = await s3.client.send(new GetObjectCommand({ Bucket: EXPORTS_BUCKET, Key: file?.Key }));
    expect(await got.Body?.transformToString()).toContain("d/image.png");
    expect((await record("d/image.png"))?.export.state).toBe("exported");
  });

  it("deliver: starts and follows the Encord upload job of the import file on its schedule", async () => {
    const run = await invoke("functions/deliver.handler", [SCHEDULED_EVENT]);

    expect(answerOf(run)).toMatchObject({ finished: [{ state: "done", items: 1, unitErrors: 0 }] });
    const itemId = (await record("d/image.png"))?.encord?.itemId;
    expect(itemId).toMatch(/^[0-9a-f-]{36}$/);
    expect([...encord.state.items.values()].map((item) => item.uuid)).toContain(itemId);
  });

  it("api: answers Function URL requests, 200 with the token and 401 without", async () => {
    const run = await invoke("functions/api.handler", [
      urlEvent("/health"),
      urlEvent("/records?limit=10", { authorization: `Bearer ${API_TOKEN}` }),
      urlEvent("/records"),
    ]);

    const [health, records, refused] = [0, 1, 2].map((i) => UrlResponseSchema.parse(answerOf(run, i)));
    expect(health?.statusCode).toBe(200);
    expect(JSON.parse(health?.body ?? "null")).toEqual({ status: "ok" });
    expect(records?.statusCode).toBe(200);
    expect(JSON.parse(records?.body ?? "null").records).toEqual([
      expect.objectContaining({ key: "d/image.png", status: "ready" }),
    ]);
    expect(refused?.statusCode).toBe(401);
  });

  it("reconcile: starts a reconcile job and sends its first step to the work queue on its schedule", async () => {
    const run = await invoke("functions/reconcile.handler", [SCHEDULED_EVENT]);

    const { id } = z.object({ id: z.string() }).parse(answerOf(run));
    expect(await reader.jobs.getJob(id)).toMatchObject({ kind: "reconcile", status: "queued" });
    expect(sentWork()).toContainEqual(
      expect.objectContaining({ type: "reconcile-list", jobId: id, step: 0 }),
    );
  });
});

/** One call to the loopback stand-in for SQS and EventBridge: the `X-Amz-Target` and the JSON body. */
interface AwsJsonCall {
  target: string;
  body: unknown;
}

interface AwsJsonRecorder {
  url: string;
  calls: AwsJsonCall[];
  stop(): Promise<void>;
}

const SendMessageSchema = z.object({ QueueUrl: z.string(), MessageBody: z.string() });
const SendMessageBatchSchema = z.object({
  QueueUrl: z.string(),
  Entries: z.array(z.object({ Id: z.string(), MessageBody: z.string() })),
});
const PutEventsSchema = z.object({ Entries: z.array(z.object({ EventBusName: z.string().optional() })) });

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

/** AWS's answer to a recorded call, or null for an operation the stand-in does not know or a malformed body. */
function answerCall(call: AwsJsonCall): Record<string, unknown> | null {
  switch (call.target) {
    case "AmazonSQS.SendMessage": {
      const sent = SendMessageSchema.safeParse(call.body);
      return sent.success ? { MessageId: randomUUID(), MD5OfMessageBody: md5(sent.data.MessageBody) } : null;
    }
    case "AmazonSQS.SendMessageBatch": {
      const sent = SendMessageBatchSchema.safeParse(call.body);
      if (!sent.success) return null;
      const successful = sent.data.Entries.map((e) => ({
        Id: e.Id,
        MessageId: randomUUID(),
        MD5OfMessageBody: md5(e.MessageBody),
      }));
      return { Successful: successful, Failed: [] };
    }
    case "AWSEvents.PutEvents": {
      const put = PutEventsSchema.safeParse(call.body);
      return put.success
        ? { FailedEntryCount: 0, Entries: put.data.Entries.map(() => ({ EventId: randomUUID() })) }
        : null;
    }
    default:
      return null;
  }
}

/**
 * SQS and EventBridge for the bundles (no emulator of either is in the project): both speak AWS's JSON protocol,
 * so one loopback server records SendMessage, SendMessageBatch and PutEvents and answers as AWS does, MD5 of the
 * body included (the SDK checks it). Anything else gets a 400, so an unexpected call fails its handler.
 */
async function startAwsJsonRecorder(): Promise<AwsJsonRecorder> {
  const calls: AwsJsonCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        // Answered 400 below.
      }
      const call = { target, body };
      const reply = answerCall(call);
      const type = String(req.headers["content-type"] ?? "application/x-amz-json-1.0");
      if (reply === null) {
        res.writeHead(400, { "content-type": type });
        res.end(JSON.stringify({ __type: "InvalidAction", message: `not recorded: ${target}` }));
        return;
      }
      calls.push(call);
      res.writeHead(200, { "content-type": type, "x-amzn-requestid": randomUUID() });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the recorder is not on a TCP port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
