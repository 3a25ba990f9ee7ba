import { z } from "zod";
import type { RecordedCall } from "./aws-call-recorder";
import type { Permission } from "./iam-policy";
import { ACCOUNT, REGION } from "./sst-synth/mock-state";

/** The environment variables through which a function learns its AWS resources (packages/aws/src/config.ts). */
export const RESOURCE_VARIABLES = [
  "DATA_BUCKET",
  "EXPORTS_BUCKET",
  "TABLE_NAME",
  "WORK_QUEUE_URL",
  "INGEST_QUEUE_URL",
  "INGEST_DLQ_URL",
  "WORK_DLQ_URL",
  "EVENT_BUS_NAME",
] as const;

/** One of the variables that name a resource. */
export type ResourceVariable = (typeof RESOURCE_VARIABLES)[number];

/** What a call acts on, named as the function that made it named it. */
export type ResourceRef =
  | { kind: "bucket"; bucket: string }
  | { kind: "object"; bucket: string; key: string }
  | { kind: "table"; table: string; index?: string }
  | { kind: "queue"; url: string }
  | { kind: "bus"; name: string };

/** One IAM action a call needs on one resource, and why when it is not the call's own action. */
export interface NeededAction {
  action: string;
  ref: ResourceRef;
  note?: string;
}

/** Where a function's resources are: the emulators' names it ran against, the names its deployed environment gives. */
export interface Placement {
  emulated: Partial<Record<ResourceVariable, string>>;
  deployed: Readonly<Record<string, string>>;
}

/** A call on a resource that none of the function's deployed variables names. */
export class UnplacedResourceError extends Error {
  override name = "UnplacedResourceError";
}

/** A call whose IAM action this mapping does not know: add it here rather than let it pass unchecked. */
export class UnmappedCallError extends Error {
  override name = "UnmappedCallError";
}

const str = z.string();
const S3Input = z.object({ Bucket: str, Key: str.optional() });
const TableInput = z.object({ TableName: str, IndexName: str.optional() });
const BatchGetInput = z.object({ RequestItems: z.record(str, z.unknown()) });
const BatchWriteInput = z.object({
  RequestItems: z.record(
    str,
    z.array(z.object({ PutRequest: z.unknown(), DeleteRequest: z.unknown() }).partial()),
  ),
});
const QueueInput = z.object({ QueueUrl: str });
const PutEventsInput = z.object({ Entries: z.array(z.object({ EventBusName: str.optional() })) });

const SQS_ACTIONS: Record<string, string> = {
  SendMessage: "sqs:SendMessage",
  SendMessageBatch: "sqs:SendMessage",
  ReceiveMessage: "sqs:ReceiveMessage",
  DeleteMessage: "sqs:DeleteMessage",
  DeleteMessageBatch: "sqs:DeleteMessage",
  ChangeMessageVisibility: "sqs:ChangeMessageVisibility",
  ChangeMessageVisibilityBatch: "sqs:ChangeMessageVisibility",
  GetQueueAttributes: "sqs:GetQueueAttributes",
  GetQueueUrl: "sqs:GetQueueUrl",
};

const ITEM_OPERATIONS = new Set(["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"]);

/** The IAM actions one recorded call needs (the Service Authorization Reference's mapping of operations to actions). */
export function neededActions(call: RecordedCall): NeededAction[] {
  const { service, operation, input } = call;
  if (service === "s3") {
    const { Bucket: bucket, Key: key = "" } = S3Input.parse(input);
    const object = { kind: "object" as const, bucket, key };
    switch (operation) {
      case "GetObject":
      case "HeadObject": {
        const read = { action: "s3:GetObject", ref: object };
        // S3 answers a missing object with 404 only to a caller that may list the bucket; to others, 403.
        if (call.status !== 404) return [read];
        const note = `${operation} of the missing ${key} answered 404; without s3:ListBucket it answers 403`;
        return [read, { action: "s3:ListBucket", ref: { kind: "bucket", bucket }, note }];
      }
      case "PutObject":
      case "DeleteObject":
        return [{ action: `s3:${operation}`, ref: object }];
      case "ListObjectsV2":
      case "ListObjects":
        return [{ action: "s3:ListBucket", ref: { kind: "bucket", bucket } }];
    }
  }
  if (service === "dynamodb") {
    if (ITEM_OPERATIONS.has(operation)) {
      const { TableName: table, IndexName: index } = TableInput.parse(input);
      return [
        { action: `dynamodb:${operation}`, ref: { kind: "table", table, ...(index ? { index } : {}) } },
      ];
    }
    if (operation === "BatchGetItem")
      return Object.keys(BatchGetInput.parse(input).RequestItems).map((table) => ({
        action: "dynamodb:BatchGetItem",
        ref: { kind: "table", table },
      }));
    if (operation === "BatchWriteItem")
      return Object.entries(BatchWriteInput.parse(input).RequestItems).flatMap(([table, requests]) =>
        requests.map((r) => ({
          action: r.DeleteRequest === undefined ? "dynamodb:PutItem" : "dynamodb:DeleteItem",
          ref: { kind: "table" as const, table },
        })),
      );
  }
  if (service === "sqs") {
    const action = SQS_ACTIONS[operation];
    if (action) return [{ action, ref: { kind: "queue", url: QueueInput.parse(input).QueueUrl } }];
  }
  if (service === "events" && operation === "PutEvents") {
    // An entry without EventBusName goes to the account's default bus.
    const buses = new Set(PutEventsInput.parse(input).Entries.map((e) => e.EventBusName ?? "default"));
    return [...buses].map((name) => ({ action: "events:PutEvents", ref: { kind: "bus", name } }));
  }
  throw new UnmappedCallError(`no IAM mapping for ${service}:${operation}; add it to iam-actions.ts`);
}

const BUCKET_VARIABLES: readonly ResourceVariable[] = ["DATA_BUCKET", "EXPORTS_BUCKET"];
const QUEUE_VARIABLES: readonly ResourceVariable[] = [
  "WORK_QUEUE_URL",
  "INGEST_QUEUE_URL",
  "INGEST_DLQ_URL",
  "WORK_DLQ_URL",
];

/** The deployed ARN of what a call acted on: the emulated name's variable, read in the deployed environment. */
export function arnOf(ref: ResourceRef, placement: Placement): string {
  const deployed = (variables: readonly ResourceVariable[], emulatedName: string, what: string) => {
    const variable = variables.find((v) => placement.emulated[v] === emulatedName);
    const value = variable === undefined ? undefined : placement.deployed[variable];
    if (variable === undefined || value === undefined || value === "")
      throw new UnplacedResourceError(
        `${what} ${emulatedName} is ${variable ? `${variable}, which the deployed environment does not set` : "none of the function's resources"}`,
      );
    return value;
  };
  switch (ref.kind) {
    case "bucket":
      return `arn:aws:s3:::${deployed(BUCKET_VARIABLES, ref.bucket, "bucket")}`;
    case "object":
      return `arn:aws:s3:::${deployed(BUCKET_VARIABLES, ref.bucket, "bucket")}/${ref.key}`;
    case "table": {
      const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${deployed(["TABLE_NAME"], ref.table, "table")}`;
      return ref.index === undefined ? table : `${table}/index/${ref.index}`;
    }
    case "queue":
      return queueArn(deployed(QUEUE_VARIABLES, ref.url, "queue"));
    case "bus": {
      const name = deployed(["EVENT_BUS_NAME"], ref.name, "event bus");
      return name.startsWith("arn:") ? name : `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
    }
  }
}

/** An SQS queue's ARN from its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export function queueArn(url: string): string {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/([\w-]+(?:\.fifo)?)$/.exec(url);
  if (!match) throw new UnplacedResourceError(`${url} is not an SQS queue URL`);
  const [, region, account, name] = match;
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/** The permissions a call needs in the deployed stack, each with the call it came from. */
export function permissionsOf(call: RecordedCall, placement: Placement): (Permission & { note?: string })[] {
  return neededActions(call).map(({ action, ref, note }) => ({
    action,
    resource: arnOf(ref, placement),
    ...(note ? { note } : {}),
  }));
}
