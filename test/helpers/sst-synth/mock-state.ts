// What the mocks answer for AWS resources and data sources: enough real-looking state (names, ARNs, URLs)
// for SST's components to wire one resource to another, derived from the logical name so that a test can
// tell which resource an ARN in a policy points at.

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

type Inputs = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The physical name a resource would get: its given name, else the logical name (mocks have no random suffix). */
function physicalName(name: string, inputs: Inputs): string {
  return (
    str(inputs.name) ?? str(inputs.bucket) ?? str(inputs.functionName) ?? name.replace(/[^A-Za-z0-9-_]/g, "-")
  );
}

/** The state the mock returns for a new (or read) resource. */
export function mockState(
  type: string,
  name: string,
  inputs: Inputs,
  id?: string,
): { id: string; state: Inputs } {
  const physical = id && type.startsWith("aws:s3/bucket") ? id : physicalName(name, inputs);
  const state: Inputs = { ...inputs };
  let resourceId = id || `${physical}-id`;
  switch (type) {
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      state.bucket = physical;
      state.arn = `arn:aws:s3:::${physical}`;
      state.bucketDomainName = `${physical}.s3.amazonaws.com`;
      state.bucketRegionalDomainName = `${physical}.s3.${REGION}.amazonaws.com`;
      state.region = REGION;
      resourceId = physical;
      break;
    case "aws:sqs/queue:Queue":
      state.name = physical;
      state.arn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${physical}`;
      state.url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}`;
      resourceId = state.url as string;
      break;
    case "aws:dynamodb/table:Table":
      state.name = physical;
      state.arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${physical}`;
      state.streamArn = `${state.arn}/stream/mock`;
      resourceId = physical;
      break;
    case "aws:lambda/function:Function":
      state.name = physical;
      state.arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${physical}`;
      state.invokeArn = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${state.arn}/invocations`;
      state.qualifiedArn = `${state.arn}:$LATEST`;
      resourceId = physical;
      break;
    case "aws:lambda/functionUrl:FunctionUrl":
      state.functionUrl = `https://${physical.toLowerCase()}.lambda-url.${REGION}.on.aws/`;
      state.urlId = physical;
      break;
    case "aws:iam/role:Role":
      state.name = physical;
      state.arn = `arn:aws:iam::${ACCOUNT}:role/${physical}`;
      resourceId = physical;
      break;
    case "aws:cloudwatch/eventRule:EventRule":
      state.name = physical;
      state.arn = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${physical}`;
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      state.arn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${physical}`;
      break;
    case "aws:scheduler/schedule:Schedule":
      state.arn = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/${physical}`;
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      state.arn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${physical}`;
      break;
    case "aws:ssm/parameter:Parameter":
      state.arn = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${physical}`;
      break;
    default:
      state.arn ??= `arn:aws:mock:${REGION}:${ACCOUNT}:${type.split(":")[1] ?? "resource"}/${physical}`;
  }
  return { id: resourceId, state };
}

interface StatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** Renders `aws:iam/getPolicyDocument` statements into the JSON document, as the AWS provider does. */
export function renderPolicyDocument(statements: StatementInput[] | undefined): string {
  const rendered = (statements ?? []).map((s) => {
    const out: Record<string, unknown> = {};
    if (s.sid) out.Sid = s.sid;
    const effect = s.effect ?? "Allow";
    out.Effect = effect.charAt(0).toUpperCase() + effect.slice(1).toLowerCase();
    if (s.actions?.length) out.Action = s.actions;
    if (s.notActions?.length) out.NotAction = s.notActions;
    if (s.resources?.length) out.Resource = s.resources;
    if (s.notResources?.length) out.NotResource = s.notResources;
    if (s.principals?.length) {
      const principal: Record<string, string[]> = {};
      for (const p of s.principals) principal[p.type] = [...(principal[p.type] ?? []), ...p.identifiers];
      out.Principal = principal;
    }
    if (s.conditions?.length) {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of s.conditions)
        condition[c.test] = { ...(condition[c.test] ?? {}), [c.variable]: c.values };
      out.Condition = condition;
    }
    return out;
  });
  return JSON.stringify({ Version: "2012-10-17", Statement: rendered });
}

/** What the mocks answer for a data source (an invoke), or undefined for one they do not know. */
export function mockInvoke(
  token: string,
  inputs: Inputs,
  existingBuckets: Record<string, { region: string }>,
): Inputs | undefined {
  switch (token) {
    case "aws:iam/getPolicyDocument:getPolicyDocument": {
      const statements = inputs.statements as StatementInput[] | undefined;
      return {
        json: renderPolicyDocument(statements),
        // SST adds a role's inline policy only when this is truthy (function.ts, createRole).
        statements: statements && statements.length > 0 ? statements : undefined,
      };
    }
    case "aws:index/getRegion:getRegion":
      return { name: REGION, region: REGION, id: REGION, endpoint: `ec2.${REGION}.amazonaws.com` };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
        userId: "AIDAMOCK",
        id: ACCOUNT,
      };
    case "aws:cloudwatch/getEventBus:getEventBus": {
      const name = str(inputs.name) ?? "default";
      return { name, arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`, id: name };
    }
    case "aws:s3/getBucket:getBucket": {
      const bucket = str(inputs.bucket) ?? "";
      const found = existingBuckets[bucket];
      if (!found) throw new Error(`NotFound: bucket ${bucket} does not exist`);
      return {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        region: REGION,
        bucketRegion: found.region,
        id: bucket,
      };
    }
    default:
      return undefined;
  }
}
