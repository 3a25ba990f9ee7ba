import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type DeployerCall, deployerCalls } from "../../helpers/deployer-actions";
import { PROJECT_ROOT } from "../../helpers/sst-synth/build-function";
import { recordingOf, SCENARIOS, type ScenarioName } from "../../helpers/sst-synth/scenarios";
import type { SynthRecording, SynthResource } from "../../helpers/sst-synth/synthesize";

// The deployer policy (deploy/deployer-policy.json) against what `sst deploy`, `sst remove` and `sst secret set`
// ask AWS for, per resource type that the offline synthesis of the real stacks records (test/helpers/
// deployer-actions.ts). A deployer role built from the file must not stop mid-deploy on AccessDenied, and the file
// must grant nothing that no step needs.

const OneOrMany = z
  .union([z.string(), z.array(z.string()).min(1)])
  .transform((v) => (typeof v === "string" ? [v] : v));

// The condition operators this evaluator understands; any other is refused rather than half evaluated.
const OPERATORS = ["StringEquals", "StringLike", "ArnEquals", "ArnLike"] as const;

const StatementSchema = z
  .strictObject({
    Sid: z.string().regex(/^[A-Za-z0-9]+$/, "a Sid is alphanumeric"),
    Effect: z.enum(["Allow", "Deny"]),
    Action: OneOrMany.optional(),
    NotAction: OneOrMany.optional(),
    Resource: OneOrMany.optional(),
    NotResource: OneOrMany.optional(),
    Condition: z.partialRecord(z.enum(OPERATORS), z.record(z.string(), OneOrMany)).optional(),
  })
  .refine(
    (s) => (s.Action === undefined) !== (s.NotAction === undefined),
    "exactly one of Action and NotAction",
  )
  .refine(
    (s) => (s.Resource === undefined) !== (s.NotResource === undefined),
    "exactly one of Resource and NotResource",
  );

const PolicySchema = z.strictObject({
  Version: z.literal("2012-10-17"),
  Statement: z.array(StatementSchema).min(1),
});

type Statement = z.infer<typeof StatementSchema>;

const POLICY_FILE = join(PROJECT_ROOT, "deploy/deployer-policy.json");

function readPolicy(): Statement[] {
  return PolicySchema.parse(JSON.parse(readFileSync(POLICY_FILE, "utf8"))).Statement;
}

const patterns = new Map<string, RegExp>();

/** IAM's wildcard match: `*` any run of characters, `?` any one character. */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? "i" : "c"}${pattern}`;
  let re = patterns.get(key);
  if (!re) {
    const source = [...pattern]
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("");
    re = new RegExp(`^${source}$`, ignoreCase ? "i" : "");
    patterns.set(key, re);
  }
  return re.test(value);
}

/** Every operator holds, each for all its keys, each key for any of its values; a key the request lacks fails. */
function conditionsHold(condition: Statement["Condition"], context: Record<string, string>): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys ?? {}).every(([key, values]) => {
      const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      if (found === undefined) return false;
      const exact = operator === "StringEquals" || operator === "ArnEquals";
      return values.some((v) => (exact ? v === found : matches(v, found)));
    }),
  );
}

/** Whether one statement applies to a call: action (without case), resource (with case) and conditions. */
function applies(s: Statement, call: Pick<DeployerCall, "action" | "resource" | "context">): boolean {
  const action = s.Action
    ? s.Action.some((p) => matches(p, call.action, true))
    : !(s.NotAction ?? []).some((p) => matches(p, call.action, true));
  const resource = s.Resource
    ? s.Resource.some((p) => matches(p, call.resource))
    : !(s.NotResource ?? []).some((p) => matches(p, call.resource));
  return action && resource && conditionsHold(s.Condition, call.context ?? {});
}

/** IAM's identity-policy evaluation: some Allow applies and no Deny does. */
function isAllowed(
  statements: readonly Statement[],
  call: Pick<DeployerCall, "action" | "resource" | "context">,
) {
  return (
    statements.some((s) => s.Effect === "Allow" && applies(s, call)) &&
    !statements.some((s) => s.Effect === "Deny" && applies(s, call))
  );
}

const describeCall = (c: DeployerCall) =>
  `${c.action} on ${c.resource}${c.context ? ` ${JSON.stringify(c.context)}` : ""} — ${c.source}`;

const NAMES = Object.keys(SCENARIOS) as ScenarioName[];
const recordings = new Map<ScenarioName, SynthRecording>();

beforeAll(async () => {
  const all = await Promise.all(NAMES.map((name) => recordingOf(SCENARIOS[name])));
  for (const [i, name] of NAMES.entries()) recordings.set(name, all[i] as SynthRecording);
}, 300_000);

function recording(name: ScenarioName): SynthRecording {
  const found = recordings.get(name);
  if (!found) throw new Error(`no recording for ${name}`);
  return found;
}

describe("deploy/deployer-policy.json", () => {
  it("is an identity policy whose statements each say what they are for in their own Sid", () => {
    const sids = readPolicy().map((s) => s.Sid);
    expect(sids.filter((sid, i) => sids.indexOf(sid) !== i)).toEqual([]);
  });

  it("never allows every action, or every action of a service, on every resource", () => {
    const broad = readPolicy().filter(
      (s) =>
        (s.NotAction !== undefined || (s.Action ?? []).some((a) => a === "*" || a.endsWith(":*"))) &&
        (s.NotResource !== undefined || (s.Resource ?? []).includes("*")),
    );
    expect(broad.map((s) => s.Sid)).toEqual([]);
  });

  it.each(NAMES)("allows every call that deploying, updating and removing the %s scenario makes", (name) => {
    const { calls, unknown } = deployerCalls(recording(name));
    expect(
      unknown,
      "recorded types with no deployer actions: add them to test/helpers/deployer-actions.ts and grant them in deploy/deployer-policy.json",
    ).toEqual([]);
    const statements = readPolicy();
    const denied = calls.filter((c) => !isAllowed(statements, c)).map(describeCall);
    expect(denied, "denied by deploy/deployer-policy.json").toEqual([]);
  });

  it("grants no action and names no resource that no recorded resource, data source or SST CLI step needs", () => {
    const calls = NAMES.flatMap((name) => deployerCalls(recording(name)).calls);
    const used = (s: Statement) => calls.some((c) => applies(s, c));
    const unused = readPolicy()
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => [
        ...(s.Action ?? []).filter((a) => !used({ ...s, Action: [a] })).map((a) => `${s.Sid}: action ${a}`),
        ...(s.Resource ?? [])
          .filter((r) => !used({ ...s, Resource: [r] }))
          .map((r) => `${s.Sid}: resource ${r}`),
      ]);
    expect(unused).toEqual([]);
  });
});

describe("deployerCalls", () => {
  it("reports a resource type, a read and a data source that the table does not know", () => {
    const base = recording("default");
    const resource = (type: string, name: string, read: boolean): SynthResource => ({
      type,
      name,
      read,
      parent: null,
      custom: true,
      retainOnDelete: false,
      protect: false,
      inputs: {},
    });
    const withUnknown: SynthRecording = {
      ...base,
      resources: [
        ...base.resources,
        resource("aws:sns/topic:Topic", "AlarmTopic", false),
        resource("aws:kms/key:Key", "DataKey", true),
      ],
      invokes: [...base.invokes, { token: "aws:ec2/getVpc:getVpc", inputs: {} }],
    };
    expect(deployerCalls(withUnknown).unknown).toEqual([
      "aws:sns/topic:Topic (AlarmTopic)",
      "read of aws:kms/key:Key (DataKey)",
      "data source aws:ec2/getVpc:getVpc",
    ]);
  });

  it("asks to delete no bucket or table, because they are kept on sst remove", () => {
    const actions = NAMES.flatMap((name) => deployerCalls(recording(name)).calls.map((c) => c.action));
    expect(actions).not.toContain("s3:DeleteBucket");
    expect(actions).not.toContain("dynamodb:DeleteTable");
    expect(actions).toContain("sqs:DeleteQueue");
  });

  it("reads the existing data bucket by its own name", () => {
    const calls = deployerCalls(recording("existing")).calls.filter((c) => c.source.includes("[read]"));
    expect(calls.map((c) => c.resource)).toContain("arn:aws:s3:::team-raw-data");
    expect(calls.map((c) => c.action)).toEqual(
      expect.arrayContaining(["s3:ListBucket", "s3:GetBucketPolicy"]),
    );
  });
});

describe("isAllowed", () => {
  const call = { action: "lambda:CreateEventSourceMapping", resource: "*" };
  const statement = (s: Partial<Statement>): Statement => ({ Sid: "S", Effect: "Allow", ...s });

  it("matches actions without case and resources with case, with * and ?", () => {
    const s = [statement({ Action: ["S3:get?ucket*"], Resource: ["arn:aws:s3:::sluice-*"] })];
    expect(isAllowed(s, { action: "s3:GetBucketPolicy", resource: "arn:aws:s3:::sluice-prod-x" })).toBe(true);
    expect(isAllowed(s, { action: "s3:GetBucketPolicy", resource: "arn:aws:s3:::Sluice-prod-x" })).toBe(
      false,
    );
    expect(isAllowed(s, { action: "s3:GetObject", resource: "arn:aws:s3:::sluice-prod-x" })).toBe(false);
  });

  it("applies a statement only when every condition key holds for one of its values", () => {
    const s = [
      statement({
        Action: ["lambda:CreateEventSourceMapping"],
        Resource: ["*"],
        Condition: { ArnLike: { "lambda:FunctionArn": ["arn:aws:lambda:*:*:function:sluice-*"] } },
      }),
    ];
    const fn = (name: string) => ({ "lambda:FunctionArn": `arn:aws:lambda:us-east-1:1:function:${name}` });
    expect(isAllowed(s, { ...call, context: fn("sluice-prod-a") })).toBe(true);
    expect(isAllowed(s, { ...call, context: fn("other-a") })).toBe(false);
    expect(isAllowed(s, call)).toBe(false);
  });

  it("reads NotAction as every other action, and lets a Deny win", () => {
    const s = [
      statement({ NotAction: ["iam:*"], Resource: ["*"] }),
      statement({ Effect: "Deny", Action: ["lambda:Create*"], Resource: ["*"] }),
    ];
    expect(isAllowed(s, { action: "sqs:CreateQueue", resource: "*" })).toBe(true);
    expect(isAllowed(s, { action: "iam:PassRole", resource: "*" })).toBe(false);
    expect(isAllowed(s, call)).toBe(false);
  });
});
