// IAM is both least and sufficient (issue 13): every AWS call each function makes on the paths the integration
// tests exercise is allowed by the inline policy the synthesized stack gives that function's role, and every
// action on every resource of each policy is used by some call. The functions run in process against the
// emulators, each with its own recording clients, configured from its synthesized environment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../../helpers/aws-call-recorder";
import { coverageOf, deniedPermissions, type Unexercisable, unusedGrants } from "../../helpers/iam-check";
import {
  type DrivenSet,
  driveDefault,
  driveDelivery,
  type IamWorld,
  instantiate,
  startIamWorld,
} from "../../helpers/iam-drive";
import { type DeployedFunction, deployedFunctions, type FunctionName } from "../../helpers/iam-functions";
import { KMS_KEY, recordingOf, SCENARIOS, type ScenarioName } from "../../helpers/sst-synth/scenarios";

/** Grants that no call of the function itself can use, and why; each is narrowed to the resource it is about. */
const UNEXERCISABLE: Unexercisable[] = [
  {
    reason:
      "Lambda's SQS event source mapping polls the function's own queue with the function's role " +
      "(the three actions AWS documents for it); the handler never calls SQS on that queue",
    covers: (fn, grant) =>
      fn.eventSources.includes(grant.resource) &&
      ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"].includes(grant.action),
  },
  {
    reason: "S3 decrypts an SSE-KMS object with the reader's kms:Decrypt on its key; s3rver has no SSE-KMS",
    covers: (fn, grant) =>
      grant.action === "kms:Decrypt" &&
      grant.resource === KMS_KEY &&
      fn.statements.some((s) => s.Action.includes("s3:GetObject")),
  },
];

const DEFAULT_FUNCTIONS: FunctionName[] = ["ingest", "work", "export", "reconcile", "api"];
const DELIVERY_FUNCTIONS: FunctionName[] = ["export", "deliver", "api"];

const SCENARIO_NAMES = ["default", "existing", "delivery"] as const satisfies readonly ScenarioName[];

const deployed = new Map<ScenarioName, Map<FunctionName, DeployedFunction>>();
let world: IamWorld;
let defaultRun: DrivenSet;
let deliveryRun: DrivenSet;

beforeAll(async () => {
  // One at a time: syntheses of several scenarios at once share the bundle cache and can fail each other.
  for (const name of SCENARIO_NAMES) {
    const recording = await recordingOf(SCENARIOS[name]);
    if (recording.errors.length > 0)
      throw new Error(`the ${name} synthesis failed: ${recording.errors.join("; ")}`);
    deployed.set(name, deployedFunctions(recording));
  }
  world = await startIamWorld();
  const run = (scenario: ScenarioName, functions: FunctionName[]): DrivenSet =>
    new Map(functions.map((name) => [name, instantiate(world, deployedFunction(scenario, name))]));
  defaultRun = run("default", DEFAULT_FUNCTIONS);
  deliveryRun = run("delivery", DELIVERY_FUNCTIONS);
  await driveDefault(world, defaultRun);
  await driveDelivery(world, deliveryRun, defaultRun);
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

function deployedFunction(scenario: ScenarioName, name: FunctionName): DeployedFunction {
  const found = deployed.get(scenario)?.get(name);
  if (!found) throw new Error(`the ${scenario} stack deploys no ${name} function`);
  return found;
}

/**
 * The calls a function made in a scenario's configuration. The existing-bucket stage differs from the default
 * one only in names, the key prefix and the KMS key, so the default run's calls stand for it; with delivery on,
 * the functions whose environment delivery changes (export, api) made calls in both configurations.
 */
function callsOf(scenario: ScenarioName, name: FunctionName): RecordedCall[] {
  const fromDefault = defaultRun.get(name)?.calls ?? [];
  if (scenario !== "delivery") return fromDefault;
  return [...fromDefault, ...(deliveryRun.get(name)?.calls ?? [])];
}

const scenarioFunctions = (scenario: ScenarioName) => [...(deployed.get(scenario)?.values() ?? [])];

describe("each function's synthesized IAM policy against the AWS calls it makes", () => {
  it("records calls of every deployed function, each on its own clients, with no message failing", () => {
    const functions = scenarioFunctions("delivery").map((fn) => fn.name);
    const silent = functions.filter((name) => coverageOf(callsOf("delivery", name)).calls === 0);

    expect(functions.sort()).toEqual(["api", "deliver", "export", "ingest", "reconcile", "work"]);
    expect(silent).toEqual([]);
    expect(world.failures).toEqual([]);
  });

  it.each(SCENARIO_NAMES)("allows every call each function makes when the stage is %s", (scenario) => {
    const denied = scenarioFunctions(scenario).flatMap((fn) =>
      deniedPermissions(fn, callsOf(scenario, fn.name), world.emulated),
    );

    expect(denied).toEqual([]);
  });

  it.each(SCENARIO_NAMES)(
    "uses every action on every resource of each policy when the stage is %s",
    (scenario) => {
      const unused = scenarioFunctions(scenario).flatMap((fn) =>
        unusedGrants(fn, callsOf(scenario, fn.name), world.emulated, UNEXERCISABLE),
      );

      expect(unused).toEqual([]);
    },
  );

  it("reports a call as denied when one action is removed from the statement that allowed it", () => {
    const exporter = deployedFunction("default", "export");
    const calls = callsOf("default", "export");
    const withoutUpdateItem = exporter.statements.map((s) => ({
      ...s,
      Action: s.Action.filter((action) => action !== "dynamodb:UpdateItem"),
    }));

    const before = deniedPermissions(exporter, calls, world.emulated);
    const after = deniedPermissions({ ...exporter, statements: withoutUpdateItem }, calls, world.emulated);

    expect(after.filter((line) => !before.includes(line))).toEqual([
      expect.stringMatching(/^export: dynamodb:UpdateItem on arn:aws:dynamodb:[\w-]+:\d+:table\/[\w-]+ \(/),
    ]);
  });
});
