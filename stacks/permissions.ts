// Every function's IAM statements, spelled out: `link` would grant `s3:*` and `dynamodb:*` (design.md "Decisions").

/** One IAM statement of a function, as `sst.aws.Function`'s `permissions` takes it. */
export type Permission = sst.aws.FunctionPermissionArgs;

/** What a statement is about: a component's ARN. */
interface HasArn {
  arn: $util.Output<string>;
}

/** Reading data objects (HEAD and ranged GETs) and listing the data bucket: without ListBucket a missing sidecar reads as 403. */
export function readDataBucket(bucket: HasArn, kmsKeyArn: string | null): Permission[] {
  const statements: Permission[] = [
    { actions: ["s3:GetObject"], resources: [$interpolate`${bucket.arn}/*`] },
    { actions: ["s3:ListBucket"], resources: [bucket.arn] },
  ];
  // SSE-KMS objects read as 403 without Decrypt on their key.
  if (kmsKeyArn !== null) statements.push({ actions: ["kms:Decrypt"], resources: [kmsKeyArn] });
  return statements;
}

/** The item actions a function takes on the records table, and Query on its indexes when it lists them. */
export function writeRecords(
  table: HasArn,
  actions: string[],
  options: { query?: boolean } = {},
): Permission[] {
  const statements: Permission[] = [{ actions: actions.map((a) => `dynamodb:${a}`), resources: [table.arn] }];
  if (options.query)
    statements.push({ actions: ["dynamodb:Query"], resources: [$interpolate`${table.arn}/index/*`] });
  return statements;
}

/** A reconcile reads the records table page by page (a Scan: the table is keyed by hash, not by prefix). */
export function scanRecords(table: HasArn): Permission[] {
  return [{ actions: ["dynamodb:Scan"], resources: [table.arn] }];
}

/** The exporter reads the sparse pendingExport index whole with one Scan while it is small (an idle run: one request). */
export function scanPendingExports(table: HasArn): Permission[] {
  return [{ actions: ["dynamodb:Scan"], resources: [$interpolate`${table.arn}/index/pendingExport`] }];
}

/** Oversized record payloads under `records/` in the exports bucket (design.md "Records", overflow): written with their record. */
export function writeRecordOverflow(exportsBucket: HasArn): Permission[] {
  return [
    {
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [$interpolate`${exportsBucket.arn}/records/*`],
    },
  ];
}

/** Every reader of records may read `records/`. */
export function readRecordOverflow(exportsBucket: HasArn): Permission[] {
  return [{ actions: ["s3:GetObject"], resources: [$interpolate`${exportsBucket.arn}/records/*`] }];
}

/** Reading import files, to submit them to Encord. */
export function readImports(exportsBucket: HasArn): Permission[] {
  return [{ actions: ["s3:GetObject"], resources: [$interpolate`${exportsBucket.arn}/imports/*`] }];
}

/** Writing import files under `imports/`, and HEAD of one (GetObject) to learn whether a claimed file was written. */
export function writeImports(exportsBucket: HasArn): Permission[] {
  return [
    { actions: ["s3:GetObject", "s3:PutObject"], resources: [$interpolate`${exportsBucket.arn}/imports/*`] },
    { actions: ["s3:ListBucket"], resources: [exportsBucket.arn] },
  ];
}

/** The API's own use of the exports bucket: import files and large answers, read through presigned URLs, and `GET /imports`. */
export function apiExportsAccess(exportsBucket: HasArn): Permission[] {
  return [
    {
      actions: ["s3:GetObject", "s3:PutObject"],
      resources: [
        $interpolate`${exportsBucket.arn}/imports/*`,
        $interpolate`${exportsBucket.arn}/responses/*`,
      ],
    },
    { actions: ["s3:ListBucket"], resources: [exportsBucket.arn] },
  ];
}

/** `GET /dead-letters` and its redrive: receive, release and delete on the dead-letter queues, send back to their sources. */
export function redriveDeadLetters(dlqs: HasArn[], sources: HasArn[]): Permission[] {
  // The ingest queue's policy allows only the events rule, but adds no deny: this identity policy suffices.
  return [
    {
      actions: [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
      ],
      resources: dlqs.map((q) => q.arn),
    },
    { actions: ["sqs:SendMessage"], resources: sources.map((q) => q.arn) },
  ];
}

/** Publishing outbound events (`ingest.completed`, `export.written`, ...) on one EventBridge bus, nothing else. */
export function putEvents(bus: HasArn): Permission[] {
  return [{ actions: ["events:PutEvents"], resources: [bus.arn] }];
}

/** Sending pages of fan-out work. */
export function sendWork(queue: HasArn): Permission[] {
  return [{ actions: ["sqs:SendMessage"], resources: [queue.arn] }];
}

// What the SQS event source's poller uses of a function's role (AWS's AWSLambdaSQSQueueExecutionRole: Receive,
// Delete, GetQueueAttributes); SST's `queue.subscribe` also grants these two, which nothing calls.
const UNUSED_BY_POLLER = ["sqs:ChangeMessageVisibility", "sqs:GetQueueUrl"];

/** A queue subscriber's `transform.function`: drops the queue actions SST adds that the poller never uses. */
export function withoutUnusedQueueActions(args: sst.aws.FunctionArgs): undefined {
  args.permissions = $output(args.permissions ?? []).apply((statements) =>
    statements.map((s) => ({ ...s, actions: s.actions.filter((a) => !UNUSED_BY_POLLER.includes(a)) })),
  );
  return undefined;
}
