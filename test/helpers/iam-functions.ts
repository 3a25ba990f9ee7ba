import { z } from "zod";
import { type PolicyStatement, parsePolicy } from "./iam-policy";
import type { SynthRecording } from "./sst-synth/types";

/** Sluice's Lambda functions, by what they do. */
export const FUNCTION_NAMES = ["ingest", "work", "export", "reconcile", "deliver", "api"] as const;

/** One of Sluice's functions. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

const HANDLERS: Record<string, FunctionName> = {
  "functions/ingest.handler": "ingest",
  "functions/work.handler": "work",
  "functions/export.handler": "export",
  "functions/reconcile.handler": "reconcile",
  "functions/deliver.handler": "deliver",
  "functions/api.handler": "api",
};

/** A function as the synthesized stack deploys it: its environment, its role's inline statements, its SQS triggers. */
export interface DeployedFunction {
  name: FunctionName;
  environment: Record<string, string>;
  statements: PolicyStatement[];
  /** ARNs of the queues an event source mapping polls for this function (with the function's role). */
  eventSources: string[];
}

const FunctionInputs = z.object({
  handler: z.string(),
  role: z.string(),
  environment: z.object({ variables: z.record(z.string(), z.string()) }).optional(),
});
const RoleInputs = z.object({
  name: z.string(),
  inlinePolicies: z.array(z.object({ policy: z.string() })).optional(),
});
const MappingInputs = z.object({ eventSourceArn: z.string(), functionName: z.string() });

/** Each Sluice function of a synthesized stack, by name (a function the stack does not deploy is absent). */
export function deployedFunctions(recording: SynthRecording): Map<FunctionName, DeployedFunction> {
  const of = (type: string) => recording.resources.filter((r) => r.type === type);
  const roles = of("aws:iam/role:Role").map((r) => RoleInputs.parse(r.inputs));
  const mappings = of("aws:lambda/eventSourceMapping:EventSourceMapping").map((r) =>
    MappingInputs.parse(r.inputs),
  );
  const found = new Map<FunctionName, DeployedFunction>();
  for (const resource of of("aws:lambda/function:Function")) {
    const inputs = FunctionInputs.parse(resource.inputs);
    const name = HANDLERS[inputs.handler];
    if (name === undefined) throw new Error(`unknown function handler ${inputs.handler}`);
    const role = roles.find((r) => inputs.role.endsWith(`:role/${r.name}`));
    if (role === undefined) throw new Error(`no role ${inputs.role} for ${name}`);
    // The mock names a function's ARN after its physical name, which is the `name` input.
    const physical = z.object({ name: z.string() }).parse(resource.inputs).name;
    found.set(name, {
      name,
      environment: inputs.environment?.variables ?? {},
      statements: (role.inlinePolicies ?? []).flatMap((p) => parsePolicy(p.policy)),
      eventSources: mappings
        .filter((m) => m.functionName.endsWith(`:function:${physical}`))
        .map((m) => m.eventSourceArn),
    });
  }
  return found;
}
