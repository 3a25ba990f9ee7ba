import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tableDefinition } from "../../../packages/aws/src/table";
import { FUNCTION_NODEJS_BUILD } from "../../../stacks/function-build";
import { scheduleProblem } from "../../../stacks/schedule";
import { assertLeastPrivilege } from "../../helpers/least-privilege";
import { PROJECT_ROOT } from "../../helpers/sst-synth/build-function";
import { fn, functionsOf, list, ofType, one } from "../../helpers/sst-synth/inspect";
import {
  API_TOKEN,
  ENCORD_FOLDER,
  ENCORD_INTEGRATION,
  EXISTING_BUCKET,
  KMS_KEY,
  recordingOf,
  SCENARIOS,
} from "../../helpers/sst-synth/scenarios";
import type { Scenario, SynthRecording } from "../../helpers/sst-synth/synthesize";

// The real stacks, run with SST 4.17.1's own components under Pulumi's mocks (../shared/docs/sst-offline.md):
// what these tests read is what `sst deploy` would send to AWS.

let base: SynthRecording;
let existing: SynthRecording;
let delivery: SynthRecording;

const PARAMETER = "/sluice/prod/deployed-settings";
const stagesFile = (entry: Record<string, unknown>) =>
  JSON.stringify({ prod: { region: "us-east-1", ...entry } });
const failing = (scenario: Partial<Scenario>): Scenario => ({ ...SCENARIOS.default, ...scenario });

beforeAll(async () => {
  [base, existing, delivery] = await Promise.all([
    recordingOf(SCENARIOS.default),
    recordingOf(SCENARIOS.existing),
    recordingOf(SCENARIOS.delivery),
  ]);
}, 300_000);

/**
 * Resources as a comparable list. Masked: physical names' random suffixes, which a real stack keeps in its state,
 * and what derives from them (a queue subscriber's name is a hash of its queue's ARN); the build folder.
 */
function shape(recording: SynthRecording): string[] {
  return recording.resources
    .map((r) => `${r.type} ${r.name} ${JSON.stringify(r.inputs)} retain=${r.retainOnDelete}`)
    .map((s) =>
      s
        .replace(/(sluice-[a-z]+-[A-Za-z0-9]+)-[a-z]{8}/g, "$1-*")
        .replace(/Subscriber[A-Z][a-z]{5}/g, "Subscriber*")
        .replace(/sluice-synth-[^/"]+/g, "sluice-synth"),
    )
    .sort();
}

describe("sst.config.ts under SST's real components", () => {
  it("synthesizes every scenario without an error", () => {
    for (const recording of [base, existing, delivery]) {
      expect(recording.errors).toEqual([]);
      expect(ofType(recording, "aws:lambda/function:Function").length).toBeGreaterThanOrEqual(5);
    }
  });

  it("runs every function on nodejs22.x, the runtime the bundle test loads", () => {
    for (const f of [...functionsOf(base), ...functionsOf(delivery)]) expect(f.runtime).toBe("nodejs22.x");
    expect(
      functionsOf(delivery)
        .map((f) => f.handler)
        .sort(),
    ).toEqual([
      "functions/api.handler",
      "functions/deliver.handler",
      "functions/export.handler",
      "functions/ingest.handler",
      "functions/reconcile.handler",
      "functions/work.handler",
    ]);
  });

  it("bundles every function with the build settings the bundle test and bench:cold use", () => {
    expect(delivery.builds.length).toBeGreaterThanOrEqual(6);
    for (const build of [...base.builds, ...delivery.builds])
      expect({ handler: build.handler, plugins: build.plugins }).toEqual({
        handler: build.handler,
        plugins: FUNCTION_NODEJS_BUILD.plugins,
      });
  });

  it("trusts only the Lambda service in every function role (SST 4.17.1 adds the account root)", () => {
    for (const recording of [base, existing, delivery])
      for (const f of functionsOf(recording)) {
        expect(f.trust.Statement, f.handler).toEqual([
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
      }
  });

  it("grants every function exact S3 and DynamoDB actions on named resources only", () => {
    for (const recording of [base, existing, delivery])
      for (const f of functionsOf(recording))
        assertLeastPrivilege(
          f.statements.map((s) => ({ actions: list(s.Action), resources: list(s.Resource) })),
        );
  });

  it("keeps the records table and the buckets it creates on removal in every stage, and protects the table", () => {
    for (const recording of [base, existing, delivery]) {
      const table = one(recording, "aws:dynamodb/table:Table", "RecordsTable");
      expect(table.retainOnDelete, recording.app.stage).toBe(true);
      expect(table.inputs.deletionProtectionEnabled).toBe(true);
      for (const bucket of ofType(recording, "aws:s3/bucket:Bucket").filter((b) => !b.read)) {
        expect(bucket.retainOnDelete, `${recording.app.stage} ${bucket.name}`).toBe(true);
        expect(bucket.inputs.forceDestroy).toBe(false);
      }
    }
    expect([base, existing, delivery].map((r) => r.app.stage)).toEqual(["prod", "staging", "dev"]);
  });

  it("requires exactly the secrets the configuration uses", () => {
    const secrets = (r: SynthRecording) =>
      ofType(r, "sst:sst:Secret")
        .map((s) => s.name)
        .sort();
    expect(secrets(base)).toEqual(["ApiToken"]);
    expect(secrets(delivery)).toEqual(["ApiToken", "EncordSshKey"]);
  });

  it("gives the data bucket read-only CORS for Encord's origins and the exports bucket none", () => {
    const cors = ofType(base, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration");
    expect(cors.map((c) => c.name)).toEqual(["DataCors"]);
    expect(cors[0]?.inputs.corsRules).toEqual([
      {
        allowedHeaders: ["*"],
        allowedMethods: ["GET", "HEAD"],
        allowedOrigins: ["https://app.encord.com", "https://app.us.encord.com"],
        exposeHeaders: ["ETag"],
        maxAgeSeconds: 3600,
      },
    ]);
  });

  it("maps each queue to its function with partial batch responses, a visibility of six timeouts and five receives", () => {
    const queues = ofType(base, "aws:sqs/queue:Queue");
    const mappings = ofType(base, "aws:lambda/eventSourceMapping:EventSourceMapping");
    for (const [queueName, handler, batch] of [
      ["IngestQueue", "ingest", 10],
      ["WorkQueue", "work", 1],
    ] as const) {
      const queue = queues.find((q) => q.name === queueName);
      const f = fn(base, handler);
      const arn = `arn:aws:sqs:us-east-1:123456789012:${queue?.inputs.name}`;
      const mapping = mappings.find((m) => m.inputs.eventSourceArn === arn);
      expect(mapping?.inputs).toMatchObject({
        functionName: f.arn,
        batchSize: batch,
        functionResponseTypes: ["ReportBatchItemFailures"],
      });
      expect(queue?.inputs.visibilityTimeoutSeconds).toBe(6 * f.timeout);
      const redrive = JSON.parse(String(queue?.inputs.redrivePolicy));
      expect(redrive.maxReceiveCount).toBe(5);
      const dlq = queues.find((q) => redrive.deadLetterTargetArn.endsWith(`:${q.inputs.name}`));
      expect(Number(dlq?.inputs.messageRetentionSeconds)).toBeGreaterThan(
        Number(queue?.inputs.messageRetentionSeconds),
      );
    }
  });

  it("routes the data bucket's Object Created/Deleted events to the ingest queue, and only the rule may send there", () => {
    const rule = one(base, "aws:cloudwatch/eventRule:EventRule", "DataEvents");
    const bucket = one(base, "aws:s3/bucket:Bucket", "DataBucket");
    expect(JSON.parse(String(rule.inputs.eventPattern))).toEqual({
      source: ["aws.s3"],
      "detail-type": ["Object Created", "Object Deleted"],
      detail: { bucket: { name: [bucket.inputs.bucket] } },
    });
    const ingest = one(base, "aws:sqs/queue:Queue", "IngestQueue");
    const ingestArn = `arn:aws:sqs:us-east-1:123456789012:${ingest.inputs.name}`;
    expect(one(base, "aws:cloudwatch/eventTarget:EventTarget", "DataEventsTarget").inputs.arn).toBe(
      ingestArn,
    );
    const policy = JSON.parse(
      String(one(base, "aws:sqs/queuePolicy:QueuePolicy", "IngestQueuePolicy").inputs.policy),
    );
    expect(policy.Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: [ingestArn],
        Principal: { Service: ["events.amazonaws.com"] },
        Condition: {
          ArnEquals: {
            "aws:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/sluice-prod-DataEvents"],
          },
        },
      },
    ]);
    expect(
      ofType(base, "aws:s3/bucketNotification:BucketNotification").map((n) => n.inputs.eventbridge),
    ).toEqual([true]);
  });

  it("reads an existing bucket without managing it, matches only the key prefix and lets readers decrypt", () => {
    const data = ofType(existing, "aws:s3/bucket:Bucket").find((b) => b.name === "DataBucket");
    expect(data?.read).toBe(true);
    expect(data?.id).toBe(EXISTING_BUCKET);
    expect(ofType(existing, "aws:s3/bucketNotification:BucketNotification")).toEqual([]);
    expect(ofType(existing, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")).toEqual([]);
    const pattern = JSON.parse(
      String(one(existing, "aws:cloudwatch/eventRule:EventRule", "DataEvents").inputs.eventPattern),
    );
    expect(pattern.detail).toEqual({
      bucket: { name: [EXISTING_BUCKET] },
      object: { key: [{ prefix: "cams/" }] },
    });
    expect(fn(existing, "reconcile").environment.RECONCILE_PREFIX).toBe("cams/");
    for (const name of ["ingest", "work", "api"]) {
      const decrypt = fn(existing, name).statements.filter((s) => list(s.Action).includes("kms:Decrypt"));
      expect(
        decrypt.flatMap((s) => list(s.Resource)),
        name,
      ).toEqual([KMS_KEY]);
    }
    expect(fn(existing, "export").statements.some((s) => list(s.Action).includes("kms:Decrypt"))).toBe(false);
  });

  it("checks every schedule expression against EventBridge Scheduler's grammar and never retries a run", () => {
    for (const recording of [base, existing, delivery])
      for (const schedule of ofType(recording, "aws:scheduler/schedule:Schedule")) {
        expect(scheduleProblem(String(schedule.inputs.scheduleExpression)), schedule.name).toBeNull();
        expect(schedule.inputs.target).toMatchObject({ retryPolicy: { maximumRetryAttempts: 0 } });
      }
    expect(
      ofType(delivery, "aws:scheduler/schedule:Schedule")
        .map((s) => s.name)
        .sort(),
    ).toEqual(["DeliverSchedule", "ExportSchedule", "ReconcileSchedule"]);
  });

  it("serves the API on a Function URL with auth NONE (the bearer token is checked by the app) and no CORS", () => {
    const url = one(base, "aws:lambda/functionUrl:FunctionUrl", "ApiUrl");
    expect(url.inputs.authorizationType).toBe("NONE");
    expect(url.inputs.cors).toBeUndefined();
    expect(fn(base, "api").environment.API_TOKEN).toBe(API_TOKEN);
  });

  it("keeps every function's environment under Lambda's 4 KB", () => {
    for (const recording of [base, existing, delivery])
      for (const f of functionsOf(recording)) {
        const size = Object.entries(f.environment).reduce((n, [k, v]) => n + k.length + v.length, 0);
        expect(size, f.handler).toBeLessThan(4096);
      }
  });

  it("gives delivery's settings and key to the poller and the API, the settings alone to the exporter, only when delivery is on", () => {
    for (const name of ["export", "deliver", "api"])
      expect(fn(delivery, name).environment, name).toMatchObject({ ENCORD_FOLDER, ENCORD_INTEGRATION });
    for (const name of ["deliver", "api"])
      expect(fn(delivery, name).environment.ENCORD_SSH_KEY, name).toContain("OPENSSH");
    expect(fn(delivery, "export").environment.ENCORD_SSH_KEY).toBeUndefined();
    for (const name of ["ingest", "work", "reconcile"])
      expect(Object.keys(fn(delivery, name).environment).filter((k) => k.startsWith("ENCORD_"))).toEqual([]);
    for (const f of functionsOf(base))
      expect(
        Object.keys(f.environment).filter((k) => k.startsWith("ENCORD_")),
        f.handler,
      ).toEqual([]);
  });

  it("declares the records table with exactly the keys and indexes of tableDefinition", () => {
    const table = one(base, "aws:dynamodb/table:Table", "RecordsTable").inputs;
    const definition = tableDefinition("records");
    expect(table.hashKey).toBe(definition.KeySchema?.find((k) => k.KeyType === "HASH")?.AttributeName);
    const indexes = (
      table.globalSecondaryIndexes as { name: string; hashKey: string; rangeKey: string }[]
    ).map((i) => [i.name, i.hashKey, i.rangeKey]);
    expect(indexes.sort()).toEqual(
      (definition.GlobalSecondaryIndexes ?? [])
        .map((i) => [
          i.IndexName,
          i.KeySchema?.find((k) => k.KeyType === "HASH")?.AttributeName,
          i.KeySchema?.find((k) => k.KeyType === "RANGE")?.AttributeName,
        ])
        .sort(),
    );
  });

  it("records what the stage was deployed with, for the next deploy to compare", () => {
    expect(one(base, "aws:ssm/parameter:Parameter", "DeployedSettings").inputs).toMatchObject({
      name: PARAMETER,
      value: JSON.stringify({ dataBucket: "created", delivery: false }),
    });
  });
});

describe("a deploy's settings", () => {
  it("come from the file: a redeploy from an empty or a stale shell declares the same resources", async () => {
    const previous = { [PARAMETER]: JSON.stringify({ dataBucket: "created", delivery: false }) };
    const [empty, stale] = await Promise.all([
      recordingOf({ ...SCENARIOS.default, ssmParameters: previous }),
      // The variables earlier versions read from the deployer's shell are ignored now.
      recordingOf({
        ...SCENARIOS.default,
        ssmParameters: previous,
        env: {
          SLUICE_EXISTING_BUCKET: "someone-elses",
          SLUICE_KEY_PREFIX: "x/",
          SLUICE_RECONCILE_SCHEDULE: "cron(0 3 * * *)",
          ENCORD_FOLDER: ENCORD_FOLDER,
        },
      }),
    ]);
    expect(empty.errors).toEqual([]);
    expect(shape(empty)).toEqual(shape(base));
    expect(shape(stale)).toEqual(shape(base));
  }, 300_000);

  it.each([
    [
      "half an Encord configuration",
      stagesFile({ encord: { folder: ENCORD_FOLDER } }),
      /prod\.encord\.integration: is required/,
    ],
    [
      "a five-field cron",
      stagesFile({ reconcileSchedule: "cron(0 3 * * *)" }),
      /prod\.reconcileSchedule: a cron expression has six fields/,
    ],
    ["an unknown setting", stagesFile({ existingBuckt: "x" }), /unknown setting\(s\) existingBuckt/],
  ])(
    "stop the deploy before any resource is declared for %s",
    async (_, file, message) => {
      const recording = await recordingOf(failing({ stagesFile: file }));
      expect(recording.errors.join("\n")).toMatch(message);
      expect(recording.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
    },
    120_000,
  );

  it("stop a redeploy that would repoint the stage at another data bucket unless SLUICE_CONFIRM names it", async () => {
    const previous = { [PARAMETER]: JSON.stringify({ dataBucket: "team-raw", delivery: true }) };
    const [refused, confirmed] = await Promise.all([
      recordingOf(failing({ ssmParameters: previous })),
      recordingOf(failing({ ssmParameters: previous, env: { SLUICE_CONFIRM: "existingBucket,encord" } })),
    ]);
    expect(refused.errors.join("\n")).toMatch(
      /existingBucket: this stage reads "team-raw".*SLUICE_CONFIRM=existingBucket/,
    );
    expect(refused.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(confirmed.errors).toEqual([]);
  }, 300_000);

  it("are read inside app(), because SST's CLI refuses a top-level import in sst.config.ts", async () => {
    const root = mkdtempSync(join(tmpdir(), "sluice-config-"));
    for (const name of ["stacks", "node_modules", "sluice.stages.json"])
      symlinkSync(join(PROJECT_ROOT, name), join(root, name));
    const config = readFileSync(join(PROJECT_ROOT, "sst.config.ts"), "utf8");
    writeFileSync(
      join(root, "sst.config.ts"),
      config.replace(
        "export default",
        'import { readStageRegion } from "./stacks/stage-region";\nvoid readStageRegion;\nexport default',
      ),
    );
    const recording = await recordingOf({ ...SCENARIOS.default, root });
    expect(recording.errors.join("\n")).toMatch(
      /Your sst.config.ts has top level imports - this is not allowed/,
    );
    expect(recording.resources).toEqual([]);
  }, 300_000);

  it("stop a deploy whose existing bucket is in another region", async () => {
    const recording = await recordingOf({
      ...SCENARIOS.existing,
      existingBuckets: { [EXISTING_BUCKET]: { region: "eu-west-1" } },
    });
    expect(recording.errors.join("\n")).toMatch(/is in eu-west-1, and this stage deploys to us-east-1/);
    expect(recording.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
  }, 300_000);
});

describe("README 'Deploying to AWS'", () => {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  // Every shell line of the README in order, with the section it is in.
  const lines: { section: string; line: string }[] = [];
  let section = "";
  let inCode = false;
  for (const line of readme.split("\n")) {
    if (line.startsWith("```")) inCode = !inCode;
    else if (!inCode && line.startsWith("## ")) section = line.slice(3);
    else if (inCode) lines.push({ section, line });
  }
  const deploys = lines.filter((l) => /^\s*npx sst deploy\b/.test(l.line));
  const setBefore = (index: number) =>
    lines
      .slice(0, index)
      .flatMap((l) => [...l.line.matchAll(/\bsst secret set (\w+)/g)].map((m) => m[1] as string));

  it("sets every secret a deploy needs before that deploy", () => {
    expect(deploys.length).toBeGreaterThan(0);
    for (const deploy of deploys) {
      const needs = deploy.section.startsWith("Delivering to Encord") ? delivery : base;
      const required = ofType(needs, "sst:sst:Secret").map((s) => s.name);
      const set = setBefore(lines.indexOf(deploy));
      for (const secret of required) expect(set, `${deploy.line} needs ${secret}`).toContain(secret);
    }
  });

  it("synthesizes its first deploy with exactly the secrets set by then", async () => {
    const first = deploys[0];
    if (!first) throw new Error("the README has no sst deploy");
    const secrets = Object.fromEntries(
      setBefore(lines.indexOf(first)).map((name) => [name, `${name}-value-0123456789`]),
    );
    const recording = await recordingOf({ ...SCENARIOS.default, secrets });
    expect(recording.errors).toEqual([]);
  }, 300_000);

  it("fails the synthesis when the API token is not set (SST's SecretMissingError)", async () => {
    const recording = await recordingOf({ ...SCENARIOS.default, secrets: {} });
    expect(recording.errors.join("\n")).toMatch(
      /Set a value for ApiToken with `sst secret set ApiToken <value>`/,
    );
  }, 300_000);
});
