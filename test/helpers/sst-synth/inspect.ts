import type { SynthRecording, SynthResource } from "./types";

/** An IAM policy statement as AWS reads it. */
export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}

/** A synthesized Lambda function with what AWS would receive for it. */
export interface SynthFunction {
  /** The handler, `functions/ingest.handler`. */
  handler: string;
  resource: SynthResource;
  environment: Record<string, string>;
  timeout: number;
  runtime: string;
  arn: string;
  role: SynthResource;
  trust: { Statement: PolicyStatement[] };
  /** The role's inline statements (none when SST found no permissions). */
  statements: PolicyStatement[];
  managedPolicies: string[];
}

/** Every resource of one type. */
export function ofType(recording: SynthRecording, type: string): SynthResource[] {
  return recording.resources.filter((r) => r.type === type);
}

/** The one resource of a type with a name, or a clear error. */
export function one(recording: SynthRecording, type: string, name: string): SynthResource {
  const found = recording.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} "${name}", found ${found.length}`);
  return found[0] as SynthResource;
}

const physical = (r: SynthResource) => String(r.inputs.name ?? r.name);

/** Every function, with its role's trust and inline policies. */
export function functionsOf(recording: SynthRecording): SynthFunction[] {
  const roles = ofType(recording, "aws:iam/role:Role");
  return ofType(recording, "aws:lambda/function:Function").map((resource) => {
    const roleArn = String(resource.inputs.role);
    const role = roles.find((r) => roleArn.endsWith(`:role/${physical(r)}`));
    if (!role) throw new Error(`no role ${roleArn} for ${resource.name}`);
    const inline = (role.inputs.inlinePolicies as { policy: string }[] | undefined) ?? [];
    const env = (resource.inputs.environment as { variables?: Record<string, string> } | undefined)
      ?.variables;
    return {
      handler: String(resource.inputs.handler),
      resource,
      environment: env ?? {},
      timeout: Number(resource.inputs.timeout),
      runtime: String(resource.inputs.runtime),
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${physical(resource)}`,
      role,
      trust: JSON.parse(String(role.inputs.assumeRolePolicy)),
      statements: inline.flatMap((p) => (JSON.parse(p.policy) as { Statement: PolicyStatement[] }).Statement),
      managedPolicies: (role.inputs.managedPolicyArns as string[] | undefined) ?? [],
    };
  });
}

/** The function whose handler is `functions/<name>.handler`. */
export function fn(recording: SynthRecording, name: string): SynthFunction {
  const found = functionsOf(recording).find((f) => f.handler === `functions/${name}.handler`);
  if (!found) throw new Error(`no function functions/${name}.handler`);
  return found;
}

/** A list-or-string IAM field as a list. */
export function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
