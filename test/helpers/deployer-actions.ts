import type { SynthRecording, SynthResource } from "./sst-synth/types";

// What the principal running `sst deploy`, `sst remove` and `sst secret set` asks AWS for, per resource type the
// offline synthesis records. The calls are those of the Pulumi AWS provider v7 (Terraform's AWS provider v6
// underneath) over a resource's whole life: create, read (every refresh), update, delete; SST's provider adds the
// default tags `sst:app`/`sst:stage` to every taggable resource, so tag-on-create and tag reads are part of it.
// Action names and the ARN each applies to follow AWS's Service Authorization Reference; an action with no
// resource type there is asked for on "*".

/** A stage of a resource's life. `delete` is never asked for a resource kept on `sst remove` (retainOnDelete). */
export type Phase = "create" | "read" | "update" | "delete";

/** One call the deployer makes: an IAM action on one resource ARN, with the condition keys the request carries. */
export interface DeployerCall {
  action: string;
  resource: string;
  context?: Record<string, string>;
  /** What needs it, for messages: `aws:sqs/queue:Queue IngestQueue (create)`. */
  source: string;
}

/** Where a recording deploys: what its ARNs carry. */
export interface DeployTarget {
  partition: string;
  region: string;
  account: string;
  app: string;
  stage: string;
}

/** What a table entry sees: the target and every recorded resource (to resolve a name another resource refers to). */
export interface Deployment {
  target: DeployTarget;
  resources: readonly SynthResource[];
}

/** Actions by phase on one ARN. */
interface Need {
  resource: string;
  phases: Partial<Record<Phase, string[]>>;
  context?: Record<string, string>;
}

type ResourceEntry = (resource: SynthResource, deployment: Deployment) => Need[];
type InvokeEntry = (inputs: Record<string, unknown>, deployment: Deployment) => Need[];

// Pulumi names a resource without an explicit name `<logical name>-<7 random characters>`.
const AUTONAME_SUFFIX = "0a1b2c3";
// An event source mapping's ARN ends in a UUID that AWS assigns.
const MAPPING_UUID = "00000000-0000-4000-8000-000000000000";

const text = (value: unknown, what: string): string => {
  if (typeof value !== "string" || value === "")
    throw new Error(`expected ${what} to be a string, got ${value}`);
  return value;
};

/** The name AWS will know a resource by: its `name` input, or Pulumi's autoname. */
export function physicalName(resource: SynthResource): string {
  return typeof resource.inputs.name === "string"
    ? resource.inputs.name
    : `${resource.name}-${AUTONAME_SUFFIX}`;
}

const arn = (t: DeployTarget, service: string, rest: string) =>
  `arn:${t.partition}:${service}:${t.region}:${t.account}:${rest}`;
const bucketArn = (t: DeployTarget, bucket: string) => `arn:${t.partition}:s3:::${bucket}`;
const roleArn = (t: DeployTarget, name: string) => `arn:${t.partition}:iam::${t.account}:role/${name}`;
const functionArn = (t: DeployTarget, nameOrArn: string) =>
  nameOrArn.startsWith("arn:") ? nameOrArn : arn(t, "lambda", `function:${nameOrArn}`);
const parameterArn = (t: DeployTarget, name: string) =>
  arn(t, "ssm", `parameter/${name.replace(/^\/|\/$/g, "")}`);

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → the queue's ARN. */
function queueArnOfUrl(t: DeployTarget, url: string): string {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com[^/]*\/(\d{12})\/([^/]+)$/.exec(url);
  if (!match) throw new Error(`not an SQS queue URL: ${url}`);
  return `arn:${t.partition}:sqs:${match[1]}:${match[2]}:${match[3]}`;
}

/** The physical name of the recorded resource of `type` that another resource refers to by its mocked name. */
function referenced(d: Deployment, type: string, mockedName: string): string {
  const found = d.resources.find((r) => r.type === type && (r.inputs.name ?? r.name) === mockedName);
  return found ? physicalName(found) : mockedName;
}

/**
 * A bucket's configuration as the provider reads it on every refresh (and `aws.s3.Bucket.get` reads it once). Since
 * provider 7.13 (Terraform AWS 6.23, S3 ABAC) bucket tags go through the S3 Control tagging APIs, tag-on-create
 * included; S3's own GetBucketTagging/PutBucketTagging are only the fallback when those are denied.
 */
const BUCKET_READ = [
  "s3:ListBucket", // HeadBucket
  "s3:GetBucketLocation",
  "s3:GetBucketPolicy",
  "s3:GetBucketAcl",
  "s3:GetBucketCORS",
  "s3:GetBucketWebsite",
  "s3:GetBucketVersioning",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketLogging",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetBucketObjectLockConfiguration",
  "s3:ListTagsForResource",
];

/** A bucket sub-resource: one Put for create and update, one Get, and the call that removes it (often the Put's action). */
function bucketPart(put: string, get: string, remove: string): ResourceEntry {
  return (r, d) => [
    {
      resource: bucketArn(d.target, text(r.inputs.bucket, "bucket")),
      phases: { create: [put], read: [get], update: [put], delete: [remove] },
    },
  ];
}

/** Each recorded resource type: what the provider calls over its life. */
export const RESOURCE_ACTIONS: Record<string, ResourceEntry> = {
  "aws:s3/bucket:Bucket": (r, d) => [
    {
      resource: bucketArn(d.target, text(r.inputs.bucket, "bucket")),
      phases: {
        create: ["s3:CreateBucket", "s3:TagResource"],
        read: BUCKET_READ,
        update: ["s3:TagResource", "s3:UntagResource"],
        delete: ["s3:DeleteBucket"],
      },
    },
  ],
  // DeletePublicAccessBlock, DeleteBucketCors and DeleteBucketLifecycle are authorized as their Put actions.
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketPart(
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
    "s3:PutBucketPublicAccessBlock",
  ),
  "aws:s3/bucketPolicy:BucketPolicy": bucketPart(
    "s3:PutBucketPolicy",
    "s3:GetBucketPolicy",
    "s3:DeleteBucketPolicy",
  ),
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": bucketPart(
    "s3:PutBucketCORS",
    "s3:GetBucketCORS",
    "s3:PutBucketCORS",
  ),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketPart(
    "s3:PutLifecycleConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
  ),
  // An empty notification configuration is how the provider removes one.
  "aws:s3/bucketNotification:BucketNotification": bucketPart(
    "s3:PutBucketNotification",
    "s3:GetBucketNotification",
    "s3:PutBucketNotification",
  ),
  // Function code in SST's asset bucket; objects carry the default tags. Without ListBucket a missing object
  // reads as 403 instead of 404 and a refresh fails instead of noticing it is gone.
  "aws:s3/bucketObjectv2:BucketObjectv2": (r, d) => {
    const bucket = text(r.inputs.bucket, "bucket");
    return [
      {
        resource: `${bucketArn(d.target, bucket)}/${text(r.inputs.key, "key")}`,
        phases: {
          create: ["s3:PutObject", "s3:PutObjectTagging"],
          read: ["s3:GetObject", "s3:GetObjectTagging"],
          update: ["s3:PutObject", "s3:PutObjectTagging"],
          delete: ["s3:DeleteObject"],
        },
      },
      { resource: bucketArn(d.target, bucket), phases: { read: ["s3:ListBucket"] } },
    ];
  },
  "aws:dynamodb/table:Table": (r, d) => [
    {
      resource: arn(d.target, "dynamodb", `table/${physicalName(r)}`),
      phases: {
        create: [
          "dynamodb:CreateTable",
          "dynamodb:TagResource",
          "dynamodb:DescribeTable",
          "dynamodb:UpdateContinuousBackups",
          "dynamodb:DescribeContinuousBackups",
        ],
        read: [
          "dynamodb:DescribeTable",
          "dynamodb:DescribeContinuousBackups",
          "dynamodb:DescribeTimeToLive",
          "dynamodb:ListTagsOfResource",
        ],
        // Deletion protection, indexes and billing are UpdateTable.
        update: [
          "dynamodb:UpdateTable",
          "dynamodb:UpdateContinuousBackups",
          "dynamodb:TagResource",
          "dynamodb:UntagResource",
        ],
        delete: ["dynamodb:DeleteTable"],
      },
    },
  ],
  "aws:sqs/queue:Queue": (r, d) => [
    {
      resource: arn(d.target, "sqs", physicalName(r)),
      phases: {
        create: ["sqs:CreateQueue", "sqs:TagQueue", "sqs:GetQueueAttributes"],
        read: ["sqs:GetQueueAttributes", "sqs:ListQueueTags"],
        update: ["sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"],
        delete: ["sqs:DeleteQueue"],
      },
    },
  ],
  "aws:sqs/queuePolicy:QueuePolicy": (r, d) => [
    {
      resource: queueArnOfUrl(d.target, text(r.inputs.queueUrl, "queueUrl")),
      phases: {
        create: ["sqs:SetQueueAttributes"],
        read: ["sqs:GetQueueAttributes"],
        update: ["sqs:SetQueueAttributes"],
        delete: ["sqs:SetQueueAttributes"],
      },
    },
  ],
  "aws:iam/role:Role": (r, d) => {
    const role = roleArn(d.target, physicalName(r));
    const managed = Array.isArray(r.inputs.managedPolicyArns) ? r.inputs.managedPolicyArns.map(String) : [];
    return [
      {
        resource: role,
        phases: {
          create: ["iam:CreateRole", "iam:TagRole", "iam:PutRolePolicy", "iam:GetRole"],
          read: [
            "iam:GetRole",
            "iam:ListRoleTags",
            "iam:ListRolePolicies",
            "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies",
          ],
          update: [
            "iam:UpdateAssumeRolePolicy",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
            "iam:PutRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:TagRole",
            "iam:UntagRole",
          ],
          delete: [
            "iam:ListInstanceProfilesForRole",
            "iam:ListAttachedRolePolicies",
            "iam:ListRolePolicies",
            "iam:DeleteRolePolicy",
            "iam:DeleteRole",
          ],
        },
      },
      // SST attaches AWSLambdaBasicExecutionRole to every function role (`managedPolicyArns`).
      ...managed.map((policy) => ({
        resource: role,
        context: { "iam:PolicyARN": policy },
        phases: {
          create: ["iam:AttachRolePolicy"],
          update: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
          delete: ["iam:DetachRolePolicy"],
        },
      })),
    ];
  },
  "aws:lambda/function:Function": (r, d) => [
    {
      resource: functionArn(d.target, physicalName(r)),
      phases: {
        create: [
          "lambda:CreateFunction",
          "lambda:TagResource",
          "lambda:GetFunction",
          "lambda:GetFunctionConfiguration",
        ],
        // GetFunction returns the tags only to a caller allowed lambda:ListTags.
        read: [
          "lambda:GetFunction",
          "lambda:ListVersionsByFunction",
          "lambda:GetFunctionCodeSigningConfig",
          "lambda:ListTags",
        ],
        update: [
          "lambda:UpdateFunctionCode",
          "lambda:UpdateFunctionConfiguration",
          "lambda:GetFunctionConfiguration",
          "lambda:TagResource",
          "lambda:UntagResource",
        ],
        delete: ["lambda:DeleteFunction"],
      },
    },
    {
      resource: text(r.inputs.role, "role"),
      context: { "iam:PassedToService": "lambda.amazonaws.com" },
      phases: { create: ["iam:PassRole"], update: ["iam:PassRole"] },
    },
    // Lambda fetches the code from S3 with the caller's permissions.
    {
      resource: `${bucketArn(d.target, text(r.inputs.s3Bucket, "s3Bucket"))}/${text(r.inputs.s3Key, "s3Key")}`,
      phases: { create: ["s3:GetObject"], update: ["s3:GetObject"] },
    },
  ],
  // An URL with auth NONE also gets the provider's own `FunctionURLAllowPublicAccess` permission.
  "aws:lambda/functionUrl:FunctionUrl": (r, d) => [
    {
      resource: functionArn(d.target, text(r.inputs.functionName, "functionName")),
      phases: {
        create: ["lambda:CreateFunctionUrlConfig", "lambda:AddPermission"],
        read: ["lambda:GetFunctionUrlConfig"],
        update: ["lambda:UpdateFunctionUrlConfig"],
        delete: ["lambda:DeleteFunctionUrlConfig"],
      },
    },
  ],
  "aws:lambda/permission:Permission": (r, d) => [
    {
      resource: functionArn(d.target, text(r.inputs.function, "function")),
      phases: {
        create: ["lambda:AddPermission"],
        read: ["lambda:GetPolicy"],
        delete: ["lambda:RemovePermission"],
      },
    },
  ],
  // Event source mappings are their own IAM resource type; CreateEventSourceMapping has none (Resource "*"), and
  // create, update and delete carry the function's ARN as `lambda:FunctionArn`.
  "aws:lambda/eventSourceMapping:EventSourceMapping": (r, d) => {
    const mapping = arn(d.target, "lambda", `event-source-mapping:${MAPPING_UUID}`);
    const fn = { "lambda:FunctionArn": functionArn(d.target, text(r.inputs.functionName, "functionName")) };
    return [
      { resource: "*", context: fn, phases: { create: ["lambda:CreateEventSourceMapping"] } },
      {
        resource: mapping,
        context: fn,
        phases: { update: ["lambda:UpdateEventSourceMapping"], delete: ["lambda:DeleteEventSourceMapping"] },
      },
      {
        resource: mapping,
        phases: {
          create: ["lambda:TagResource", "lambda:GetEventSourceMapping"],
          read: ["lambda:GetEventSourceMapping", "lambda:ListTags"],
          update: ["lambda:TagResource", "lambda:UntagResource"],
          delete: ["lambda:GetEventSourceMapping"],
        },
      },
    ];
  },
  "aws:cloudwatch/logGroup:LogGroup": (r, d) => [
    {
      resource: arn(d.target, "logs", `log-group:${physicalName(r)}`),
      phases: {
        create: ["logs:CreateLogGroup", "logs:TagResource", "logs:PutRetentionPolicy"],
        read: ["logs:ListTagsForResource"],
        update: [
          "logs:PutRetentionPolicy",
          "logs:DeleteRetentionPolicy",
          "logs:TagResource",
          "logs:UntagResource",
        ],
        delete: ["logs:DeleteLogGroup"],
      },
    },
    { resource: "*", phases: { read: ["logs:DescribeLogGroups"] } },
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": (r, d) => [
    {
      resource: arn(d.target, "cloudwatch", `alarm:${physicalName(r)}`),
      phases: {
        create: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
        read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
        update: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
        delete: ["cloudwatch:DeleteAlarms"],
      },
    },
  ],
  // A rule on the default bus: `rule/<name>`.
  "aws:cloudwatch/eventRule:EventRule": (r, d) => [
    {
      resource: arn(d.target, "events", `rule/${physicalName(r)}`),
      phases: {
        create: ["events:PutRule", "events:TagResource", "events:DescribeRule"],
        read: ["events:DescribeRule", "events:ListTagsForResource"],
        update: ["events:PutRule", "events:TagResource", "events:UntagResource"],
        delete: ["events:DeleteRule"],
      },
    },
  ],
  // Targets are authorized on their rule; an SQS target has no role to pass.
  "aws:cloudwatch/eventTarget:EventTarget": (r, d) => [
    {
      resource: arn(
        d.target,
        "events",
        `rule/${referenced(d, "aws:cloudwatch/eventRule:EventRule", text(r.inputs.rule, "rule"))}`,
      ),
      phases: {
        create: ["events:PutTargets"],
        read: ["events:ListTargetsByRule"],
        update: ["events:PutTargets"],
        delete: ["events:RemoveTargets"],
      },
    },
  ],
  // EventBridge Scheduler schedules take no tags; each passes its own role to the scheduler service.
  "aws:scheduler/schedule:Schedule": (r, d) => {
    const group = typeof r.inputs.groupName === "string" ? r.inputs.groupName : "default";
    const target = r.inputs.target as Record<string, unknown> | undefined;
    return [
      {
        resource: arn(d.target, "scheduler", `schedule/${group}/${physicalName(r)}`),
        phases: {
          create: ["scheduler:CreateSchedule"],
          read: ["scheduler:GetSchedule"],
          update: ["scheduler:UpdateSchedule"],
          delete: ["scheduler:DeleteSchedule"],
        },
      },
      {
        resource: text(target?.roleArn, "target.roleArn"),
        context: { "iam:PassedToService": "scheduler.amazonaws.com" },
        phases: { create: ["iam:PassRole"], update: ["iam:PassRole"] },
      },
    ];
  },
  // The stage's deployed settings (stacks/preflight.ts).
  "aws:ssm/parameter:Parameter": (r, d) => [
    {
      resource: parameterArn(d.target, physicalName(r)),
      phases: {
        create: ["ssm:PutParameter", "ssm:AddTagsToResource"],
        read: ["ssm:GetParameter", "ssm:ListTagsForResource"],
        update: ["ssm:PutParameter", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"],
        delete: ["ssm:DeleteParameter"],
      },
    },
    { resource: "*", phases: { read: ["ssm:DescribeParameters"] } },
  ],
  // Generated locally by the random provider (SST's key for the function's resource.enc).
  "random:index/randomBytes:RandomBytes": () => [],
};

/** Resources the program reads rather than manages (`X.get(...)`): only the provider's read. */
export const READ_ACTIONS: Record<string, ResourceEntry> = {
  // `sst.aws.Bucket.get`: the existing data bucket, whatever its name.
  "aws:s3/bucket:Bucket": (r, d) => [
    { resource: bucketArn(d.target, text(r.id, "id")), phases: { read: BUCKET_READ } },
  ],
};

/** Data sources the program calls. */
export const INVOKE_ACTIONS: Record<string, InvokeEntry> = {
  // Answered from the provider's configuration, or rendered locally.
  "aws:index/getRegion:getRegion": () => [],
  "aws:index/getPartition:getPartition": () => [],
  "aws:iam/getPolicyDocument:getPolicyDocument": () => [],
  "aws:index/getCallerIdentity:getCallerIdentity": () => [
    { resource: "*", phases: { read: ["sts:GetCallerIdentity"] } },
  ],
  // preflight: the existing bucket's region.
  "aws:s3/getBucket:getBucket": (inputs, d) => [
    {
      resource: bucketArn(d.target, text(inputs.bucket, "bucket")),
      phases: { read: ["s3:ListBucket", "s3:GetBucketLocation"] },
    },
  ],
  // preflight: the stage's previous deployed settings.
  "aws:ssm/getParametersByPath:getParametersByPath": (inputs, d) => [
    {
      resource: parameterArn(d.target, text(inputs.path, "path")),
      phases: { read: ["ssm:GetParametersByPath"] },
    },
  ],
  // The default bus that outbound events go to.
  "aws:cloudwatch/getEventBus:getEventBus": (inputs, d) => [
    {
      resource: arn(d.target, "events", `event-bus/${text(inputs.name, "name")}`),
      phases: { read: ["events:DescribeEventBus"] },
    },
  ],
};

/**
 * What SST's CLI itself does with AWS around a deploy, a remove and `sst secret set` (4.17.1, Go
 * `pkg/project/provider/aws.go`): bootstrap the account and region once (SSM `/sst/bootstrap`, buckets
 * `sst-state-*` and `sst-asset-*`, ECR repository `sst-asset`), keep the stage's state, lock, secrets, history and
 * snapshots under `<kind>/<app>/<stage>` in the state bucket, the secrets' passphrase in `/sst/passphrase/<app>/<stage>`.
 */
export function sstCliNeeds(t: DeployTarget, assetBucket: string): Need[] {
  const state = "sst-state-0a1b2c3d4e5f";
  const stateObject = (key: string) => `${bucketArn(t, state)}/${key}/${t.app}/${t.stage}`;
  return [
    { resource: "*", phases: { read: ["sts:GetCallerIdentity"] } },
    {
      resource: parameterArn(t, "/sst/bootstrap"),
      phases: { read: ["ssm:GetParameter"], create: ["ssm:PutParameter"] },
    },
    // The bootstrap's clean-up of a bootstrap made by SST 3's components.
    {
      resource: parameterArn(t, "/sst/bootstrap/asset"),
      phases: { read: ["ssm:GetParameter"], delete: ["ssm:DeleteParameter"] },
    },
    {
      resource: bucketArn(t, state),
      phases: {
        create: ["s3:CreateBucket", "s3:PutBucketVersioning", "s3:PutBucketPolicy"],
        read: ["s3:ListBucket", "s3:ListBucketVersions"],
      },
    },
    {
      resource: bucketArn(t, assetBucket),
      phases: { create: ["s3:CreateBucket", "s3:PutBucketNotification", "s3:PutBucketPolicy"] },
    },
    {
      resource: arn(t, "ecr", "repository/sst-asset"),
      phases: { create: ["ecr:CreateRepository"], read: ["ecr:DescribeRepositories"] },
    },
    ...["app", "secret", "lock"].map((kind) => ({
      resource: `${stateObject(kind)}.json`,
      phases: {
        read: ["s3:GetObject"],
        update: ["s3:PutObject"],
        delete: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
      },
    })),
    ...["update", "summary", "eventlog", "snapshot"].map((kind) => ({
      resource: `${stateObject(kind)}/update-id.json`,
      phases: { read: ["s3:GetObject"], update: ["s3:PutObject"], delete: ["s3:DeleteObjectVersion"] },
    })),
    // Secrets every stage falls back to (`sst secret set --fallback`).
    { resource: `${bucketArn(t, state)}/secret/${t.app}/_fallback.json`, phases: { read: ["s3:GetObject"] } },
    {
      resource: parameterArn(t, `/sst/passphrase/${t.app}/${t.stage}`),
      phases: { read: ["ssm:GetParameter"], create: ["ssm:PutParameter"], delete: ["ssm:DeleteParameter"] },
    },
  ];
}

/** The partition, region and account the recording's ARNs carry (the mocks' account and region). */
export function targetOf(recording: SynthRecording): DeployTarget {
  const match = /arn:(aws[a-z-]*):[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):/.exec(
    JSON.stringify(recording.resources),
  );
  if (!match) throw new Error("no regional ARN in the recording to take the region and account from");
  return {
    partition: match[1] ?? "aws",
    region: match[2] ?? "",
    account: match[3] ?? "",
    app: recording.app.name,
    stage: recording.app.stage,
  };
}

function callsOf(needs: Need[], source: string, skipDelete: boolean): DeployerCall[] {
  return needs.flatMap((need) =>
    Object.entries(need.phases).flatMap(([phase, actions]) =>
      phase === "delete" && skipDelete
        ? []
        : actions.map((action) => ({
            action,
            resource: need.resource,
            ...(need.context ? { context: need.context } : {}),
            source: `${source} (${phase})`,
          })),
    ),
  );
}

/**
 * Every call a deploy, a later refresh and update, and `sst remove` of this recording make, and every recorded
 * resource type, read or data source the tables above do not know (each must be added before the policy can be
 * checked for it).
 */
export function deployerCalls(recording: SynthRecording): { calls: DeployerCall[]; unknown: string[] } {
  const deployment: Deployment = { target: targetOf(recording), resources: recording.resources };
  const calls: DeployerCall[] = [];
  const unknown = new Set<string>();
  for (const resource of recording.resources) {
    if (!resource.custom) continue; // components: SST's own grouping, nothing in AWS
    const table = resource.read ? READ_ACTIONS : RESOURCE_ACTIONS;
    const entry = table[resource.type];
    if (!entry) {
      unknown.add(`${resource.read ? "read of " : ""}${resource.type} (${resource.name})`);
      continue;
    }
    const source = `${resource.type} ${resource.name}${resource.read ? " [read]" : ""}`;
    calls.push(...callsOf(entry(resource, deployment), source, resource.retainOnDelete));
  }
  for (const invoke of recording.invokes) {
    const entry = INVOKE_ACTIONS[invoke.token];
    if (!entry) unknown.add(`data source ${invoke.token}`);
    else calls.push(...callsOf(entry(invoke.inputs, deployment), invoke.token, false));
  }
  const asset = recording.resources.find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2")?.inputs
    .bucket;
  const assetBucket = typeof asset === "string" ? asset : "sst-asset-0a1b2c3d4e5f";
  calls.push(...callsOf(sstCliNeeds(deployment.target, assetBucket), "sst CLI", false));
  return { calls, unknown: [...unknown] };
}
