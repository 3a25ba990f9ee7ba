import { afterEach, describe, expect, it, vi } from "vitest";
import { tableDefinition } from "../../../packages/aws/src/table";
import { assertLeastPrivilege, type PermissionStatement } from "../../helpers/least-privilege";
import {
  installSstStubs,
  isRecord,
  type RecordedResource,
  type Recording,
  removeSstStubs,
} from "../../helpers/sst-stubs";

// Loaded by URL so that the main type-check does not follow it into SST's globals (tsconfig.sst.json checks it).
const CONFIG_URL = new URL("../../../sst.config.ts", import.meta.url).href;
const STACK_SETTINGS = [
  "SLUICE_EXISTING_BUCKET",
  "SLUICE_KEY_PREFIX",
  "SLUICE_KMS_KEY_ARN",
  "SLUICE_ALARM_TOPIC_ARN",
  "SLUICE_RECONCILE_SCHEDULE",
  "ENCORD_DOMAIN",
  "ENCORD_FOLDER",
  "ENCORD_FOLDERS",
  "ENCORD_INTEGRATION",
  "SETTLE_SECONDS",
  "SIDECAR_SUFFIXES",
  "OBJECT_URL_BASE",
];

const DELIVERY = {
  ENCORD_FOLDER: "00000000-0000-4000-8000-0000000000f1",
  ENCORD_INTEGRATION: "00000000-0000-4000-8000-0000000000a1",
};
const DATA = "<Bucket:Data.arn>";
const EXPORTS = "<Bucket:Exports.arn>";
const TABLE = "<Dynamo:Records.arn>";
const BUS = "<EventBus:default.arn>";
const TABLE_RW = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
];

/** Runs sst.config.ts against fresh stubs with the given deploy settings. */
async function runConfig(env: Record<string, string> = {}) {
  vi.resetModules();
  for (const key of STACK_SETTINGS) vi.stubEnv(key, env[key] ?? "");
  const recording = installSstStubs();
  const loaded: unknown = await import(/* @vite-ignore */ CONFIG_URL);
  const config = isRecord(loaded) ? loaded.default : undefined;
  const run = isRecord(config) ? config.run : undefined;
  if (typeof run !== "function") throw new Error("sst.config.ts has no run()");
  const outputs: unknown = await run();
  return { recording, outputs: isRecord(outputs) ? outputs : {} };
}

function all(recording: Recording, type: string): RecordedResource[] {
  return recording.resources.filter((r) => r.type === type);
}

function one(recording: Recording, type: string, name: string): RecordedResource {
  const found = recording.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} "${name}", found ${found.length}`);
  return found[0] as RecordedResource;
}

function object(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
}

/** The function args and subscriber args of the one subscription of a queue. */
function subscription(recording: Recording, queue: string) {
  const calls = one(recording, "sst.aws.Queue", queue).calls.filter((c) => c.method === "subscribe");
  if (calls.length !== 1) throw new Error(`expected one subscription on ${queue}, found ${calls.length}`);
  const [fn, args] = calls[0]?.args ?? [];
  return { fn: object(fn), args: object(args) };
}

function functionArgs(recording: Recording, name: "ingest" | "work" | "export" | "api") {
  if (name === "ingest") return subscription(recording, "Ingest").fn;
  if (name === "work") return subscription(recording, "Work").fn;
  if (name === "export") return object(one(recording, "sst.aws.CronV2", "Export").args.function);
  return one(recording, "sst.aws.Function", "Api").args;
}

function permissionsOf(fn: Record<string, unknown>): PermissionStatement[] {
  const permissions = fn.permissions;
  if (!Array.isArray(permissions)) throw new Error("function without explicit permissions");
  return permissions.map((p) => {
    const statement = object(p);
    if (!Array.isArray(statement.actions) || !Array.isArray(statement.resources))
      throw new Error(`malformed statement ${JSON.stringify(p)}`);
    return { ...statement, actions: statement.actions.map(String), resources: statement.resources };
  });
}

function seconds(duration: unknown): number {
  const match = /^(\d+) (second|minute)s?$/.exec(String(duration));
  if (!match) throw new Error(`unparsed duration ${String(duration)}`);
  return Number(match[1]) * (match[2] === "minute" ? 60 : 1);
}

function eventPattern(recording: Recording) {
  return object(
    JSON.parse(String(one(recording, "aws.cloudwatch.EventRule", "DataEvents").args.eventPattern)),
  );
}

function retainsOnDelete(resource: RecordedResource): boolean {
  const transform = object(resource.args.transform).bucket;
  if (typeof transform !== "function") return false;
  const args: Record<string, unknown> = { forceDestroy: true };
  const opts: Record<string, unknown> = {};
  transform(args, opts, resource.name);
  return opts.retainOnDelete === true && args.forceDestroy === false;
}

afterEach(() => {
  vi.unstubAllEnvs();
  removeSstStubs();
});

describe("sst.config.ts run()", () => {
  it("routes the data bucket's Object Created and Object Deleted events to the queue the ingest function subscribes to", async () => {
    // Prepare / Act
    const { recording } = await runConfig();

    // Assert
    expect(eventPattern(recording)).toEqual({
      source: ["aws.s3"],
      "detail-type": ["Object Created", "Object Deleted"],
      detail: { bucket: { name: ["<Bucket:Data.name>"] } },
    });
    const target = one(recording, "aws.cloudwatch.EventTarget", "DataEventsTarget");
    expect(target.args).toEqual({
      rule: "<aws.cloudwatch.EventRule:DataEvents.name>",
      arn: "<Queue:Ingest.arn>",
    });
    expect(subscription(recording, "Ingest").fn.handler).toBe("functions/ingest.handler");
    expect(subscription(recording, "Work").fn.handler).toBe("functions/work.handler");
  });

  it("lets only the rule send to the ingest queue", async () => {
    const { recording } = await runConfig();

    const policy = one(recording, "aws.sqs.QueuePolicy", "IngestQueuePolicy").args;

    expect(policy.queueUrl).toBe("<Queue:Ingest.url>");
    expect(object(object(policy.policy).policyDocument).statements).toEqual([
      {
        actions: ["sqs:SendMessage"],
        resources: ["<Queue:Ingest.arn>"],
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        conditions: [
          {
            test: "ArnEquals",
            variable: "aws:SourceArn",
            values: ["<aws.cloudwatch.EventRule:DataEvents.arn>"],
          },
        ],
      },
    ]);
  });

  it("enables EventBridge delivery on the bucket it creates", async () => {
    const { recording } = await runConfig();

    expect(all(recording, "aws.s3.BucketNotification").map((n) => n.args)).toEqual([
      { bucket: "<Bucket:Data.name>", eventbridge: true },
    ]);
  });

  it("matches only keys under the prefix when SLUICE_KEY_PREFIX is set", async () => {
    const { recording } = await runConfig({ SLUICE_KEY_PREFIX: "raw/" });

    expect(object(eventPattern(recording).detail)).toEqual({
      bucket: { name: ["<Bucket:Data.name>"] },
      object: { key: [{ prefix: "raw/" }] },
    });
  });

  it.each([
    ["Ingest", "IngestDlq"],
    ["Work", "WorkDlq"],
  ])(
    "gives the %s queue a DLQ after 5 receives that keeps messages longer than the queue",
    async (name, dlqName) => {
      const { recording } = await runConfig();

      const queue = one(recording, "sst.aws.Queue", name).args;
      const dlq = one(recording, "sst.aws.Queue", dlqName).args;

      expect(queue.dlq).toEqual({ queue: `<Queue:${dlqName}.arn>`, retry: 5 });
      const retention = (args: Record<string, unknown>) =>
        Number(object(object(args.transform).queue).messageRetentionSeconds);
      expect(retention(dlq)).toBeGreaterThan(retention(queue));
      expect(retention(dlq)).toBeLessThanOrEqual(14 * 24 * 3600);
      expect(dlq.dlq).toBeUndefined();
    },
  );

  it.each([
    ["Ingest", "ingest"],
    ["Work", "work"],
  ] as const)(
    "subscribes to the %s queue with partial batch responses and a visibility of at least 6 timeouts",
    async (queueName, fnName) => {
      const { recording } = await runConfig();

      const { fn, args } = subscription(recording, queueName);
      const queue = one(recording, "sst.aws.Queue", queueName).args;

      expect(fn).toBe(functionArgs(recording, fnName));
      expect(object(args.batch).partialResponses).toBe(true);
      expect(seconds(queue.visibilityTimeout)).toBeGreaterThanOrEqual(6 * seconds(fn.timeout));
    },
  );

  it("runs the exporter every minute", async () => {
    const { recording } = await runConfig();

    const cron = one(recording, "sst.aws.CronV2", "Export").args;

    expect(cron.schedule).toBe("rate(1 minute)");
    expect(object(cron.function).handler).toBe("functions/export.handler");
    // The handler's lease is five minutes (functions/export.ts); a run must end inside it.
    expect(seconds(object(cron.function).timeout)).toBeLessThan(5 * 60);
  });

  it("delivers to Encord only when a folder and the integration are set, with the key from a secret", async () => {
    const off = (await runConfig()).recording;
    const on = (await runConfig(DELIVERY)).recording;

    const deliver = object(one(on, "sst.aws.CronV2", "Deliver").args.function);
    const env = (fn: Record<string, unknown>) => object(fn.environment);
    expect(all(off, "sst.aws.CronV2").map((r) => r.name)).not.toContain("Deliver");
    expect(all(off, "sst.Secret").map((r) => r.name)).not.toContain("EncordSshKey");
    expect(Object.keys(env(functionArgs(off, "export"))).filter((k) => k.startsWith("ENCORD_"))).toEqual([]);
    expect(one(on, "sst.aws.CronV2", "Deliver").args.schedule).toBe("rate(1 minute)");
    expect(deliver.handler).toBe("functions/deliver.handler");
    for (const fn of [deliver, functionArgs(on, "export"), functionArgs(on, "api")]) {
      expect(env(fn)).toMatchObject({
        ENCORD_FOLDER: DELIVERY.ENCORD_FOLDER,
        ENCORD_INTEGRATION: DELIVERY.ENCORD_INTEGRATION,
        ENCORD_SSH_KEY: "<Secret:EncordSshKey.value>",
      });
    }
    expect(Object.keys(env(functionArgs(on, "ingest"))).filter((k) => k.startsWith("ENCORD_"))).toEqual([]);
  });

  it("runs a reconcile daily by default, of the key prefix the rule watches, or on the schedule given", async () => {
    const daily = one((await runConfig()).recording, "sst.aws.CronV2", "Reconcile").args;
    const custom = one(
      (await runConfig({ SLUICE_RECONCILE_SCHEDULE: "cron(0 3 * * ? *)", SLUICE_KEY_PREFIX: "cams/" }))
        .recording,
      "sst.aws.CronV2",
      "Reconcile",
    ).args;

    expect(daily.schedule).toBe("rate(1 day)");
    expect(object(daily.function).handler).toBe("functions/reconcile.handler");
    expect(object(object(daily.function).environment).RECONCILE_PREFIX).toBe("");
    expect(object(object(daily.function).environment).WORK_QUEUE_URL).toBe("<Queue:Work.url>");
    expect(custom.schedule).toBe("cron(0 3 * * ? *)");
    expect(object(object(custom.function).environment).RECONCILE_PREFIX).toBe("cams/");
    await expect(runConfig({ SLUICE_RECONCILE_SCHEDULE: "daily" })).rejects.toThrow(
      /SLUICE_RECONCILE_SCHEDULE/,
    );
  });

  it("serves the API on a Function URL with auth none and the ApiToken secret as API_TOKEN", async () => {
    const { recording } = await runConfig();

    const api = one(recording, "sst.aws.Function", "Api").args;

    expect(one(recording, "sst.Secret", "ApiToken").args).toEqual({ placeholder: undefined });
    expect(api.handler).toBe("functions/api.handler");
    expect(api.url).toEqual({ authorization: "none" });
    expect(object(api.environment).API_TOKEN).toBe("<Secret:ApiToken.value>");
  });

  it("passes every function the settings packages/aws/src/config.ts requires, the work queue only to those that send work", async () => {
    const { recording } = await runConfig({ SETTLE_SECONDS: "30" });

    const base = {
      DATA_BUCKET: "<Bucket:Data.name>",
      EXPORTS_BUCKET: "<Bucket:Exports.name>",
      TABLE_NAME: "<Dynamo:Records.name>",
      SETTLE_SECONDS: "30",
    };
    const withWork = { ...base, WORK_QUEUE_URL: "<Queue:Work.url>" };

    const events = { EVENT_BUS_NAME: "default" };
    expect(functionArgs(recording, "ingest").environment).toEqual({ ...withWork, ...events });
    expect(functionArgs(recording, "work").environment).toEqual({ ...withWork, ...events });
    expect(functionArgs(recording, "export").environment).toEqual({ ...base, ...events });
    expect(functionArgs(recording, "api").environment).toEqual({
      ...withWork,
      API_TOKEN: "<Secret:ApiToken.value>",
      INGEST_QUEUE_URL: "<Queue:Ingest.url>",
      INGEST_DLQ_URL: "<Queue:IngestDlq.url>",
      WORK_DLQ_URL: "<Queue:WorkDlq.url>",
    });
    for (const name of ["ingest", "work", "export", "api"] as const)
      expect(functionArgs(recording, name).link).toBeUndefined();
  });

  it("declares the records table with exactly the keys and indexes of tableDefinition", async () => {
    const { recording } = await runConfig();

    const definition = tableDefinition("records");
    const expected = {
      fields: Object.fromEntries(
        (definition.AttributeDefinitions ?? []).map((a) => [
          a.AttributeName,
          a.AttributeType === "S" ? "string" : "number",
        ]),
      ),
      primaryIndex: { hashKey: definition.KeySchema?.find((k) => k.KeyType === "HASH")?.AttributeName },
      globalIndexes: Object.fromEntries(
        (definition.GlobalSecondaryIndexes ?? []).map((index) => [
          index.IndexName,
          {
            hashKey: index.KeySchema?.find((k) => k.KeyType === "HASH")?.AttributeName,
            rangeKey: index.KeySchema?.find((k) => k.KeyType === "RANGE")?.AttributeName,
            projection: "all",
          },
        ]),
      ),
    };

    expect(one(recording, "sst.aws.Dynamo", "Records").args).toEqual(expected);
  });

  it("retains both buckets it creates on removal", async () => {
    const { recording } = await runConfig();

    const buckets = all(recording, "sst.aws.Bucket");

    expect(buckets.map((b) => b.name)).toEqual(["Data", "Exports"]);
    for (const bucket of buckets) expect(retainsOnDelete(bucket)).toBe(true);
  });

  it("references an existing bucket with Bucket.get and creates neither it nor its notification when SLUICE_EXISTING_BUCKET is set", async () => {
    const { recording } = await runConfig({ SLUICE_EXISTING_BUCKET: "team-raw-data" });

    expect(all(recording, "sst.aws.Bucket.get").map((b) => [b.name, b.args])).toEqual([
      ["Data", { bucketName: "team-raw-data" }],
    ]);
    expect(all(recording, "sst.aws.Bucket").map((b) => b.name)).toEqual(["Exports"]);
    expect(all(recording, "aws.s3.BucketNotification")).toEqual([]);
    expect(object(eventPattern(recording).detail)).toEqual({ bucket: { name: ["team-raw-data"] } });
    expect(permissionsOf(functionArgs(recording, "ingest")).slice(0, 2)).toEqual([
      { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::team-raw-data/*"] },
      { actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::team-raw-data"] },
    ]);
  });

  it("returns the names and URLs a user needs", async () => {
    const { outputs } = await runConfig();

    expect(outputs).toEqual({
      dataBucket: "<Bucket:Data.name>",
      exportsBucket: "<Bucket:Exports.name>",
      table: "<Dynamo:Records.name>",
      ingestQueue: "<Queue:Ingest.url>",
      workQueue: "<Queue:Work.url>",
      eventRule: "<aws.cloudwatch.EventRule:DataEvents.name>",
      apiUrl: "<Function:Api.url>",
    });
  });

  it("alarms on dead letters and on the age of the oldest message of each queue", async () => {
    const { recording } = await runConfig({ SLUICE_ALARM_TOPIC_ARN: "arn:aws:sns:eu-west-1:1:ops" });

    const alarms = all(recording, "aws.cloudwatch.MetricAlarm").map((a) => ({
      name: a.name,
      metric: a.args.metricName,
      queue: object(a.args.dimensions).QueueName,
      comparison: a.args.comparisonOperator,
      threshold: a.args.threshold,
      actions: a.args.alarmActions,
    }));

    const ops = ["arn:aws:sns:eu-west-1:1:ops"];
    expect(alarms).toEqual([
      {
        name: "IngestDlqDepth",
        metric: "ApproximateNumberOfMessagesVisible",
        queue: "<Queue:IngestDlq.name>",
        comparison: "GreaterThanThreshold",
        threshold: 0,
        actions: ops,
      },
      {
        name: "WorkDlqDepth",
        metric: "ApproximateNumberOfMessagesVisible",
        queue: "<Queue:WorkDlq.name>",
        comparison: "GreaterThanThreshold",
        threshold: 0,
        actions: ops,
      },
      {
        name: "IngestOldestMessage",
        metric: "ApproximateAgeOfOldestMessage",
        queue: "<Queue:Ingest.name>",
        comparison: "GreaterThanThreshold",
        threshold: 1800,
        actions: ops,
      },
      {
        name: "WorkOldestMessage",
        metric: "ApproximateAgeOfOldestMessage",
        queue: "<Queue:Work.name>",
        comparison: "GreaterThanThreshold",
        threshold: 9000,
        actions: ops,
      },
    ]);
  });
});

describe("function permissions", () => {
  const pipeline = [
    { actions: ["s3:GetObject"], resources: [`${DATA}/*`] },
    { actions: ["s3:ListBucket"], resources: [DATA] },
    { actions: TABLE_RW, resources: [TABLE, `${TABLE}/index/*`] },
    { actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [`${EXPORTS}/records/*`] },
    { actions: ["sqs:SendMessage"], resources: ["<Queue:Work.arn>"] },
    { actions: ["events:PutEvents"], resources: [BUS] },
  ];

  it.each(["ingest", "work"] as const)(
    "lets %s read data, read and write records and records/, send work, and put events on the default bus",
    async (name) => {
      const { recording } = await runConfig();

      const statements = permissionsOf(functionArgs(recording, name));

      const reconcileScan = { actions: ["dynamodb:Scan"], resources: [TABLE] };
      expect(statements).toEqual(name === "work" ? [...pipeline, reconcileScan] : pipeline);
      assertLeastPrivilege(statements);
    },
  );

  it("lets the delivery poller read and write records, read records/ and read import files, nothing more", async () => {
    const { recording } = await runConfig(DELIVERY);

    const statements = permissionsOf(object(one(recording, "sst.aws.CronV2", "Deliver").args.function));

    expect(statements).toEqual([
      { actions: TABLE_RW, resources: [TABLE, `${TABLE}/index/*`] },
      { actions: ["s3:GetObject"], resources: [`${EXPORTS}/records/*`] },
      { actions: ["s3:GetObject"], resources: [`${EXPORTS}/imports/*`] },
    ]);
    assertLeastPrivilege(statements);
  });

  it("lets the scheduled reconcile only create its job and send its first step", async () => {
    const { recording } = await runConfig();

    const statements = permissionsOf(object(one(recording, "sst.aws.CronV2", "Reconcile").args.function));

    expect(statements).toEqual([
      { actions: TABLE_RW, resources: [TABLE, `${TABLE}/index/*`] },
      { actions: ["sqs:SendMessage"], resources: ["<Queue:Work.arn>"] },
    ]);
    assertLeastPrivilege(statements);
  });

  it("lets the exporter read and write records, hold its lease, read records/, write imports/ and put events on the default bus", async () => {
    const { recording } = await runConfig();

    const statements = permissionsOf(functionArgs(recording, "export"));

    expect(statements).toEqual([
      { actions: [...TABLE_RW, "dynamodb:DeleteItem"], resources: [TABLE, `${TABLE}/index/*`] },
      { actions: ["s3:GetObject"], resources: [`${EXPORTS}/records/*`] },
      { actions: ["s3:GetObject", "s3:PutObject"], resources: [`${EXPORTS}/imports/*`] },
      { actions: ["events:PutEvents"], resources: [BUS] },
    ]);
    assertLeastPrivilege(statements);
  });

  it("lets the API read data, read and write records and the exports bucket, send work, and redrive dead letters", async () => {
    const { recording } = await runConfig();

    const statements = permissionsOf(functionArgs(recording, "api"));

    expect(statements).toEqual([
      { actions: ["s3:GetObject"], resources: [`${DATA}/*`] },
      { actions: ["s3:ListBucket"], resources: [DATA] },
      { actions: TABLE_RW, resources: [TABLE, `${TABLE}/index/*`] },
      { actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [`${EXPORTS}/records/*`] },
      {
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [`${EXPORTS}/imports/*`, `${EXPORTS}/responses/*`],
      },
      { actions: ["s3:ListBucket"], resources: [EXPORTS] },
      { actions: ["sqs:SendMessage"], resources: ["<Queue:Work.arn>"] },
      {
        actions: [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
        ],
        resources: ["<Queue:IngestDlq.arn>", "<Queue:WorkDlq.arn>"],
      },
      { actions: ["sqs:SendMessage"], resources: ["<Queue:Ingest.arn>", "<Queue:Work.arn>"] },
    ]);
    assertLeastPrivilege(statements);
  });

  it("adds kms:Decrypt on the key to every reader of data objects when SLUICE_KMS_KEY_ARN is set", async () => {
    const key = "arn:aws:kms:eu-west-1:111122223333:key/abc";
    const { recording } = await runConfig({ SLUICE_KMS_KEY_ARN: key });

    const decrypts = (name: "ingest" | "work" | "export" | "api") =>
      permissionsOf(functionArgs(recording, name)).filter((s) => s.actions.includes("kms:Decrypt"));

    for (const name of ["ingest", "work", "api"] as const)
      expect(decrypts(name)).toEqual([{ actions: ["kms:Decrypt"], resources: [key] }]);
    expect(decrypts("export")).toEqual([]);
  });
});

describe("assertLeastPrivilege", () => {
  it("throws when a statement is widened to s3:*", () => {
    const widened = [{ actions: ["s3:*"], resources: [`${DATA}/*`] }];

    expect(() => assertLeastPrivilege(widened)).toThrow(/wildcard action s3:\*/);
  });

  it.each([
    [["dynamodb:*"], [TABLE]],
    [["s3:Get*"], [`${DATA}/*`]],
    [["*"], [TABLE]],
    [["s3:GetObject"], ["*"]],
  ])("throws for actions %j on %j", (actions, resources) => {
    expect(() => assertLeastPrivilege([{ actions, resources }])).toThrow();
  });

  it("accepts exact actions on named resources", () => {
    expect(() =>
      assertLeastPrivilege([{ actions: ["s3:GetObject", "sqs:SendMessage"], resources: [`${DATA}/*`] }]),
    ).not.toThrow();
  });
});
