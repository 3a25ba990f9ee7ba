// Drives every Sluice function through the code paths the integration tests exercise, each function with its
// own SDK clients recording what it sends (aws-call-recorder.ts) and configured from the environment the
// synthesized stack gives it, its resource names swapped for the emulators' (iam-actions.ts maps them back).
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { createApp } from "../../packages/api/src/index";
import {
  createRecordStore,
  createSqsDeadLetters,
  createSqsWorkQueue,
  parseConfig,
} from "../../packages/aws/src/index";
import { type FakeEncord, startFakeEncord } from "../../packages/cli/src/fake-encord/index";
import { createS3rverBridge } from "../../packages/cli/src/local/s3rver-bridge";
import { createApiDeps } from "../../packages/lambda/src/api-deps";
import { createDeliveryHandler } from "../../packages/lambda/src/delivery-handler";
import { createDeps, type Deps } from "../../packages/lambda/src/deps";
import { createExportHandler } from "../../packages/lambda/src/export-handler";
import { createIngestHandler } from "../../packages/lambda/src/ingest-handler";
import { createReconcileHandler } from "../../packages/lambda/src/reconcile-handler";
import { createWorkHandler } from "../../packages/lambda/src/work-handler";
import { callApi } from "./api-request";
import { type RecordedCall, recordCalls } from "./aws-call-recorder";
import { dicomFile } from "./dicom-writer";
import {
  createRecordsTable,
  type Dynalite,
  type S3rverHandle,
  s3ClientFor,
  startDynalite,
  startS3rver,
} from "./emulators";
import { writeEncordKey } from "./encord-key";
import { RESOURCE_VARIABLES, type ResourceVariable } from "./iam-actions";
import type { DeployedFunction, FunctionName } from "./iam-functions";
import { type SqsEmulator, startSqsEmulator } from "./iam-sqs-emulator";
import { mediaBytes } from "./media";
import { ENCORD_FOLDER, ENCORD_INTEGRATION } from "./sst-synth/scenarios";

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const QUEUES = {
  INGEST_QUEUE_URL: "iam-ingest",
  INGEST_DLQ_URL: "iam-ingest-dlq",
  WORK_QUEUE_URL: "iam-work",
  WORK_DLQ_URL: "iam-work-dlq",
} as const;
/** The ingest and work queues' redrive policy (stacks/ingest.ts): five receives, then the dead-letter queue. */
const MAX_RECEIVES = 5;

/** The emulators every function runs against, and the names of their resources. */
export interface IamWorld {
  emulated: Record<ResourceVariable, string>;
  s3: S3rverHandle;
  dynamo: Dynalite;
  sqs: SqsEmulator;
  encord: FakeEncord;
  encordKey: string;
  /** Messages the handlers failed on (they should be none: each is a path the drive did not mean to take). */
  failures: string[];
  /** Work messages the work function was given, for placing one on its dead-letter queue. */
  workBodies: string[];
  /** S3 event bodies the data bucket produced, as EventBridge puts them on the ingest queue. */
  eventBodies: string[];
  /** While true, the data bucket's events are kept in `heldBodies` instead of queued (a lost or late delivery). */
  eventsHeld: boolean;
  heldBodies: string[];
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts s3rver, dynalite, the SQS and EventBridge emulator and the fake Encord, with Sluice's resources in them. */
export async function startIamWorld(): Promise<IamWorld> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-iam-"));
  const { keyFile, sshLine } = await writeEncordKey(dir);
  const [s3, dynamo, sqs, encord] = await Promise.all([
    startS3rver(["iam-data", "iam-exports"]),
    startDynalite(),
    startSqsEmulator(Object.values(QUEUES), {
      maxReceives: MAX_RECEIVES,
      dlqOf: {
        [QUEUES.INGEST_QUEUE_URL]: QUEUES.INGEST_DLQ_URL,
        [QUEUES.WORK_QUEUE_URL]: QUEUES.WORK_DLQ_URL,
      },
    }),
    startFakeEncord({
      keys: [sshLine],
      integrations: [ENCORD_INTEGRATION],
      folders: [ENCORD_FOLDER],
      longPollCapSeconds: 1,
      jobDelayMs: 20,
    }),
  ]);
  const emulated: Record<ResourceVariable, string> = {
    DATA_BUCKET: "iam-data",
    EXPORTS_BUCKET: "iam-exports",
    TABLE_NAME: await createRecordsTable(dynamo.client, "iam-records"),
    EVENT_BUS_NAME: "iam-bus",
    INGEST_QUEUE_URL: sqs.queueUrl(QUEUES.INGEST_QUEUE_URL),
    INGEST_DLQ_URL: sqs.queueUrl(QUEUES.INGEST_DLQ_URL),
    WORK_QUEUE_URL: sqs.queueUrl(QUEUES.WORK_QUEUE_URL),
    WORK_DLQ_URL: sqs.queueUrl(QUEUES.WORK_DLQ_URL),
  };
  const world: IamWorld = {
    emulated,
    s3,
    dynamo,
    sqs,
    encord,
    encordKey: await readFile(keyFile, "utf8"),
    failures: [],
    workBodies: [],
    eventBodies: [],
    eventsHeld: false,
    heldBodies: [],
    settled: async () => bridge.settled(),
    async stop() {
      bridge.stop();
      await Promise.all([s3.stop(), dynamo.stop(), sqs.stop(), encord.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
  // The EventBridge rule: the data bucket's object events, onto the ingest queue.
  const bridge = createS3rverBridge(
    s3.server,
    (body) => {
      if (!body.includes(`"name":"${emulated.DATA_BUCKET}"`)) return;
      if (world.eventsHeld) {
        world.heldBodies.push(body);
        return;
      }
      world.eventBodies.push(body);
      sqs.place(QUEUES.INGEST_QUEUE_URL, body);
    },
    { region: REGION },
  );
  return world;
}

/** One function as it runs in Lambda: its deps over its own recording clients, and the calls they made. */
export interface DrivenFunction {
  name: FunctionName;
  deps: Deps;
  calls: RecordedCall[];
  /** The environment it runs with: the deployed one, with the emulators' resources. */
  environment: Record<string, string>;
  /** Its S3 client, for injecting a fault inside its recorder. */
  s3: Deps["s3"];
  /** Its DynamoDB client (recorded), for a second adapter over the same calls. */
  dynamo: DynamoDBClient;
}

/**
 * Builds a function's deps as functions/deps.ts builds them in Lambda (the work queue, the event bus and the dead
 * letters only where the environment names them), from the deployed environment with the emulators' resources.
 */
export function instantiate(world: IamWorld, fn: DeployedFunction): DrivenFunction {
  // Lambda sets AWS_REGION; a settle window of 0 lets the exporter take what was just written.
  const env: Record<string, string> = { AWS_REGION: REGION, SETTLE_SECONDS: "0" };
  for (const [key, value] of Object.entries(fn.environment)) {
    if (key.startsWith("SST_")) continue;
    const variable = RESOURCE_VARIABLES.find((v) => v === key);
    env[key] = variable === undefined ? value : world.emulated[variable];
  }
  // Delivery is configured in the deployed environment; the key (where one is deployed) and the server are the test's.
  if (env.ENCORD_FOLDER !== undefined || env.ENCORD_FOLDERS !== undefined) {
    env.ENCORD_DOMAIN = world.encord.url;
    if (env.ENCORD_SSH_KEY !== undefined) env.ENCORD_SSH_KEY = world.encordKey;
  }
  // As functions/export.ts does: the exporter never calls Encord, and is configured without the key.
  const config = parseConfig(env, fn.name === "export" ? { encordKey: "unused" } : {});
  const calls: RecordedCall[] = [];
  const s3 = s3ClientFor(world.s3.endpoint);
  const dynamo = new DynamoDBClient({
    endpoint: world.dynamo.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
  });
  const sqs = new SQSClient({ endpoint: world.sqs.url, region: REGION, credentials: CREDENTIALS });
  recordCalls(s3, "s3", calls);
  recordCalls(dynamo, "dynamodb", calls);
  recordCalls(sqs, "sqs", calls);
  let events: EventBridgeClient | undefined;
  if (config.eventBusName) {
    events = new EventBridgeClient({ endpoint: world.sqs.url, region: REGION, credentials: CREDENTIALS });
    recordCalls(events, "events", calls);
  }
  const work = config.workQueueUrl
    ? createSqsWorkQueue({ client: sqs, queueUrl: config.workQueueUrl })
    : {
        send: async () => {
          throw new Error(`${fn.name} has no WORK_QUEUE_URL in its deployed environment`);
        },
      };
  const logger = new Logger({ serviceName: `sluice-${fn.name}`, logLevel: "SILENT" });
  const { ingestQueueUrl, ingestDlqUrl, workQueueUrl, workDlqUrl } = config;
  const deadLetters =
    ingestQueueUrl && ingestDlqUrl && workQueueUrl && workDlqUrl
      ? createSqsDeadLetters({
          client: sqs,
          queues: {
            ingest: { sourceUrl: ingestQueueUrl, dlqUrl: ingestDlqUrl },
            work: { sourceUrl: workQueueUrl, dlqUrl: workDlqUrl },
          },
        })
      : undefined;
  const clients = {
    s3,
    dynamo,
    work,
    ...(events ? { events } : {}),
    ...(deadLetters ? { deadLetters } : {}),
  };
  const deps = createDeps(config, clients, logger);
  return { name: fn.name, deps, calls, environment: env, s3, dynamo };
}

/** A Lambda context for a scheduled or queued invocation. */
function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `sluice-iam-${name}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:sluice-iam-${name}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/sluice-iam-${name}`,
    logStreamName: "iam",
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

type SqsHandler = ReturnType<typeof createIngestHandler>;

/** What the ingest and work queues' event source mappings do: batches of 10 and 1, until both queues are empty. */
async function drainQueues(world: IamWorld, ingest: SqsHandler, work: SqsHandler): Promise<void> {
  await world.settled();
  for (let round = 0; round < 500; round += 1) {
    const fromIngest = world.sqs.poll(QUEUES.INGEST_QUEUE_URL, 10);
    const batch = fromIngest.length > 0 ? fromIngest : world.sqs.poll(QUEUES.WORK_QUEUE_URL, 1);
    if (batch.length === 0) return;
    const queue = fromIngest.length > 0 ? QUEUES.INGEST_QUEUE_URL : QUEUES.WORK_QUEUE_URL;
    if (queue === QUEUES.WORK_QUEUE_URL) world.workBodies.push(...batch.map((d) => d.record.body));
    const handler = queue === QUEUES.INGEST_QUEUE_URL ? ingest : work;
    const answer = await handler({ Records: batch.map((d) => d.record) }, lambdaContext(queue));
    const failed = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    for (const id of failed)
      world.failures.push(`${queue}: ${batch.find((d) => d.record.messageId === id)?.record.body}`);
    world.sqs.settle(queue, batch, failed);
  }
  throw new Error("the queues did not drain in 500 batches");
}

/** The deployed functions of one configuration, running. */
export type DrivenSet = Map<FunctionName, DrivenFunction>;

function pick(set: DrivenSet, name: FunctionName): DrivenFunction {
  const found = set.get(name);
  if (!found) throw new Error(`the stack deploys no ${name} function`);
  return found;
}

/** Checks one step of the drive did what it meant to; a drive that silently skips a path would prove nothing. */
function expectThat(condition: boolean, what: string, detail: unknown = ""): void {
  if (!condition) throw new Error(`IAM drive: ${what} ${JSON.stringify(detail).slice(0, 600)}`);
}

const json = (value: unknown) => JSON.stringify(value);
// Above MAX_INLINE_ITEM_BYTES (350 KB): the record's payload overflows to `records/` in the exports bucket.
const BIG_METADATA = json({
  embedding: Array.from({ length: 24_000 }, (_, i) => Math.round(Math.sin(i) * 1e6) / 1e6),
});

/**
 * The default stage's functions: ingest of media, sidecars, defaults, a group, a DICOM series and a delete; work of
 * every kind; export with a crash between claim and write; the reconcile cron; every API route family.
 */
export async function driveDefault(world: IamWorld, set: DrivenSet): Promise<void> {
  const setup = world.s3.client;
  const { DATA_BUCKET: data } = world.emulated;
  const put = (key: string, body: string | Uint8Array) =>
    setup.send(new PutObjectCommand({ Bucket: data, Key: key, Body: body }));
  const remove = (key: string) => setup.send(new DeleteObjectCommand({ Bucket: data, Key: key }));
  const ingest = createIngestHandler(pick(set, "ingest").deps);
  const work = createWorkHandler(pick(set, "work").deps);
  const settle = () => drainQueues(world, ingest, work);
  const exporter = pick(set, "export");
  const exportRun = createExportHandler(exporter.deps);
  const apiDeps = createApiDeps(pick(set, "api").deps, pick(set, "api").deps.config.apiToken ?? "");
  const app = createApp(apiDeps);
  // Large answers go to `responses/` with a presigned URL; a small limit takes that path with a small answer.
  const smallAnswers = createApp({ ...apiDeps, maxResponseBytes: 64 });
  const call = (path: string, init: { method?: string; json?: unknown } = {}, target = app) =>
    callApi(target, apiDeps.token, path, init);

  // Ingest: media with sidecars and defaults, an overflowing record, a group, a DICOM series, then a delete.
  await put("m/_defaults.json", json({ site: "lab" }));
  await put("m/a.png", mediaBytes("image.png"));
  await put("m/a.png.metadata.json", json({ camera: "c1" }));
  await put("m/b.jpg", mediaBytes("image.jpg"));
  await put("m/big.png", mediaBytes("image.png"));
  await put("m/big.png.metadata.json", BIG_METADATA);
  await put("m/gone.png", mediaBytes("image.png"));
  await put("g/_group.json", json({ type: "image_group", count: 2 }));
  await put("g/f1.png", mediaBytes("image.png"));
  await put("g/f2.png", mediaBytes("image.png"));
  for (const n of [1, 2])
    await put(
      `s/i${n}.dcm`,
      dicomFile({
        studyUid: "2.25.7",
        seriesUid: "2.25.7.1",
        sopInstanceUid: `2.25.7.1.${n}`,
        instanceNumber: n,
      }),
    );
  await settle();
  await remove("m/gone.png");
  await settle();
  const big = await call("/records/m/big.png");
  expectThat(big.status === 200 && big.body.status === "ready", "the overflowing record is ready", big);
  expectThat(
    world.workBodies.some((b) => b.includes('"assemble-group"')) &&
      world.workBodies.some((b) => b.includes('"assemble-series"')) &&
      world.workBodies.some((b) => b.includes('"rederive-prefix"')),
    "ingest queued group, series and rederive work",
    world.workBodies,
  );

  // Export: the first file's write fails after its records are claimed; the next run finds the claim (HEAD).
  let failNextImport = true;
  exporter.s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "PutObjectCommand" && failNextImport) {
        failNextImport = false;
        const fault = { name: "InternalError", $fault: "server", $metadata: { httpStatusCode: 500 } };
        throw Object.assign(new Error("crashed between claim and write"), fault);
      }
      return next(args);
    },
    { step: "initialize", name: "crashOnce" },
  );
  const crashed = await exportRun({}, lambdaContext("export")).then(
    () => "ran",
    (error: Error) => error.message,
  );
  const recovered = await exportRun({}, lambdaContext("export"));
  expectThat(crashed !== "ran" && recovered.exported > 0, "the exporter recovered from a crash", {
    crashed,
    recovered,
  });

  // A sidecar's late event rewrites a record, with the same entry, while the exporter claims it: the claim is
  // taken again on the record as it is now (faults.test.ts).
  world.eventsHeld = true;
  await put("w/a.png", mediaBytes("image.png"));
  await put("w/a.png.metadata.json", json({ camera: "left" }));
  await world.settled();
  world.eventsHeld = false;
  const [dataEvent = "", sidecarEvent = ""] = world.heldBodies.splice(0);
  world.sqs.place(QUEUES.INGEST_QUEUE_URL, dataEvent);
  await settle();
  const { records } = exporter.deps.pipeline;
  const claimExport = records.claimExport.bind(records);
  let rewritten = false;
  records.claimExport = async (...args) => {
    if (!rewritten) {
      rewritten = true;
      world.sqs.place(QUEUES.INGEST_QUEUE_URL, sidecarEvent);
      await settle();
    }
    return claimExport(...args);
  };
  const raced = await exportRun({}, lambdaContext("export")).finally(() => {
    records.claimExport = claimExport;
  });
  expectThat(
    rewritten && raced.exported === 1 && raced.changedMeanwhile === 0,
    "a claim lost to a rewrite",
    raced,
  );

  // The API: records, metadata edits, imports, schema, reimports, reconcile, dead letters, deliveries.
  const listed = await call("/records?prefix=m/&limit=2");
  await call(`/records?prefix=m/&limit=2&cursor=${encodeURIComponent(String(listed.body.cursor))}`);
  await call("/records?status=invalid");
  await call("/records/m/a.png");
  await call("/records/m/none.png");
  await call("/records/m/a.png/metadata", { method: "PATCH", json: { lens: "x" } });
  await call("/records/m/a.png/metadata", { method: "PUT", json: { lens: "y" } });
  const edited = await call("/records/m/big.png/metadata", { method: "PATCH", json: { note: "n" } });
  expectThat(edited.status === 200, "PATCH of the overflowing record", edited);
  const created = await call("/imports", { method: "POST", json: { prefix: "m/" } });
  expectThat(created.status === 201, "POST /imports", created);
  await call("/imports?limit=10");
  await call(`/imports/${created.body.files[0]?.id}`);
  await call("/imports/adhoc/01JZ0000000000000000000000");
  const presigned = await call("/records?prefix=g/", {}, smallAnswers);
  expectThat(typeof presigned.body.url === "string", "a large answer is presigned", presigned);
  await call("/schema");
  const inferred = await call("/schema/inferred");
  const schema = await call("/schema", { method: "PUT", json: inferred.body });
  expectThat(schema.status === 200, "PUT /schema", schema);
  for (const body of [
    { prefix: "m/" },
    { keys: ["m/a.png"], mode: "overwrite" },
    { prefix: "m/", dryRun: true },
    { prefix: "g/", force: true },
  ]) {
    const started = await call("/reimports", { method: "POST", json: body });
    await settle();
    const job = await call(`/reimports/${started.body.id}`);
    expectThat(job.body.status === "done", "a reimport ran to its end", { body, job });
  }
  const reconciled = await call("/reconcile", { method: "POST", json: { prefix: "m/" } });
  await settle();
  await call(`/reimports/${reconciled.body.id}`);
  await put("m/_defaults.json", json({ site: "lab-2" }));
  await settle();
  // Dead letters as the redrive policy leaves them: an S3 event and a work message.
  world.sqs.place(QUEUES.INGEST_DLQ_URL, world.eventBodies[0] ?? "", MAX_RECEIVES);
  world.sqs.place(QUEUES.WORK_DLQ_URL, world.workBodies[0] ?? "", MAX_RECEIVES);
  const letters = await call("/dead-letters");
  expectThat(
    letters.body.total?.ingest === 1 && letters.body.total?.work === 1,
    "dead letters listed",
    letters,
  );
  const redriven = await call("/dead-letters/redrive", { method: "POST", json: {} });
  expectThat(redriven.body.moved === 2, "dead letters redriven", redriven);
  await settle();
  await call("/deliveries");

  // The reconcile cron, after changes whose events were lost: a new object and a deleted one.
  await put("r/kept.png", mediaBytes("image.png"));
  await settle();
  world.eventsHeld = true;
  await put("r/new.png", mediaBytes("image.png"));
  await remove("r/kept.png");
  await world.settled();
  world.eventsHeld = false;
  world.heldBodies.splice(0);
  const reconciler = pick(set, "reconcile");
  // functions/reconcile.ts reads RECONCILE_PREFIX through the parsed config.
  const job = await createReconcileHandler(reconciler.deps, reconciler.deps.config.reconcilePrefix)();
  await settle();
  const done = "id" in job ? await pick(set, "work").deps.jobs.getJob(job.id) : null;
  expectThat(
    done?.status === "done" && (done.reconcile?.missing ?? 0) > 0 && (done.reconcile?.orphaned ?? 0) > 0,
    "the scheduled reconcile repaired a missed object and an orphan",
    done,
  );

  // The overflowing record shrinks: its payload in `records/` is deleted; then the exporter takes what is pending.
  await put("m/big.png.metadata.json", json({ small: true }));
  await settle();
  // A pending index larger than one Scan page is queried shard by shard: a store that never probes takes that path.
  const { pipeline } = exporter.deps;
  const probing = pipeline.records;
  pipeline.records = createRecordStore({
    doc: DynamoDBDocumentClient.from(exporter.dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: exporter.deps.config.tableName,
    s3: exporter.s3,
    exportsBucket: exporter.deps.config.exportsBucket,
    pendingProbeEntries: 0,
  });
  await exportRun({}, lambdaContext("export")).finally(() => {
    pipeline.records = probing;
  });
}

/** The delivery stage's functions: the exporter queues deliveries, the poller runs them, the API shows them. */
export async function driveDelivery(world: IamWorld, set: DrivenSet, ingestWith: DrivenSet): Promise<void> {
  const { DATA_BUCKET: data } = world.emulated;
  const ingest = createIngestHandler(pick(ingestWith, "ingest").deps);
  const work = createWorkHandler(pick(ingestWith, "work").deps);
  const apiDeps = createApiDeps(pick(set, "api").deps, pick(set, "api").deps.config.apiToken ?? "");
  const app = createApp(apiDeps);
  const call = (path: string, init: { method?: string; json?: unknown } = {}) =>
    callApi(app, apiDeps.token, path, init);

  await world.s3.client.send(
    new PutObjectCommand({ Bucket: data, Key: "d/x.png", Body: mediaBytes("image.png") }),
  );
  await world.s3.client.send(
    new PutObjectCommand({ Bucket: data, Key: "m/big.png.metadata.json", Body: BIG_METADATA }),
  );
  await drainQueues(world, ingest, work);
  const exported = await createExportHandler(pick(set, "export").deps)({}, lambdaContext("export"));
  expectThat(exported.files.length > 0, "the exporter wrote files to deliver", exported);
  const deliver = createDeliveryHandler(pick(set, "deliver").deps, { pollSeconds: 1 });
  const deliveries = pick(set, "deliver").deps.pipeline.deliveries;
  for (let run = 0; run < 20 && ((await deliveries?.listOpen())?.length ?? 0) > 0; run += 1)
    await deliver(undefined, lambdaContext("deliver"));
  const item = await pick(set, "deliver").deps.pipeline.records.get(data, "m/big.png");
  expectThat(
    typeof item?.encord?.itemId === "string",
    "the poller delivered the overflowing record",
    item?.encord,
  );
  const listed = await call("/deliveries");
  expectThat(listed.status === 200, "GET /deliveries", listed);
  await call(`/deliveries/${listed.body.deliveries?.[0]?.jobId}`);
  await call("/schema?source=encord");
  await call("/schema?push=true&dryRun=true", {
    method: "PUT",
    json: { site: { ty: "variant", hint: "varchar" } },
  });
}
