import {
  putEvents,
  readDataBucket,
  scanRecords,
  sendWork,
  withoutUnusedQueueActions,
  writeRecordOverflow,
  writeRecords,
} from "./permissions";
import { settings } from "./settings";
import { dataBucket, dataBucketCreated, exportsBucket, table } from "./storage";

/** Lambda timeouts, in seconds; each queue's visibility timeout is six times its function's (AWS's advice for SQS sources). */
export const INGEST_TIMEOUT_SECONDS = 60;
/** A page of fan-out work: up to 500 keys re-derived. */
export const WORK_TIMEOUT_SECONDS = 300;
/** Receives before a message goes to its dead-letter queue (design.md "Decisions"). */
export const MAX_RECEIVES = 5;
const SOURCE_RETENTION_SECONDS = 4 * 24 * 3600;
// SQS's maximum: a dead letter outlives the source message it came from.
const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

function queueWithDlq(name: string, functionTimeoutSeconds: number) {
  const dlq = new sst.aws.Queue(`${name}Dlq`, {
    transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS } },
  });
  const queue = new sst.aws.Queue(name, {
    visibilityTimeout: `${6 * functionTimeoutSeconds} seconds`,
    dlq: { queue: dlq.arn, retry: MAX_RECEIVES },
    transform: { queue: { messageRetentionSeconds: SOURCE_RETENTION_SECONDS } },
  });
  return { queue, dlq };
}

const ingestQueues = queueWithDlq("Ingest", INGEST_TIMEOUT_SECONDS);
const workQueues = queueWithDlq("Work", WORK_TIMEOUT_SECONDS);

/** The queue the data bucket's events land in. */
export const ingestQueue = ingestQueues.queue;
/** Where ingest messages go after five failed receives. */
export const ingestDlq = ingestQueues.dlq;
/** Fan-out work: reimports, `_defaults.json` changes, one page of keys per message. */
export const workQueue = workQueues.queue;
/** Where work messages go after five failed receives. */
export const workDlq = workQueues.dlq;

/** The settings every function reads (packages/aws/src/config.ts); Lambda sets AWS_REGION itself. */
export function functionEnvironment(options: { sendsWork: boolean }): Record<string, $util.Input<string>> {
  return {
    DATA_BUCKET: dataBucket.name,
    EXPORTS_BUCKET: exportsBucket.name,
    TABLE_NAME: table.name,
    ...(options.sendsWork ? { WORK_QUEUE_URL: workQueue.url } : {}),
    ...settings.functionEnvironment,
  };
}

/** The account's default EventBridge bus, where outbound events go (no bus of Sluice's own: consumers add rules to it). */
export const eventBus = aws.cloudwatch.getEventBusOutput({ name: "default" });

/** What a function that publishes outbound events needs: the bus's name in its environment. */
export const eventsEnvironment = { EVENT_BUS_NAME: eventBus.name };

/** The ingest and work functions' permissions: read data, read and write records, send work, publish events. */
const pipelinePermissions = [
  ...readDataBucket(dataBucket, settings.kmsKeyArn),
  ...writeRecordOverflow(exportsBucket),
  ...sendWork(workQueue),
  ...putEvents(eventBus),
];

// EventBridge delivery is a bucket setting: on a created bucket the stack owns it; on an existing one the
// user turns it on once (`sluice enable-eventbridge`), because this resource would replace the bucket's
// other notification configurations.
if (dataBucketCreated) {
  new aws.s3.BucketNotification("DataEventBridge", { bucket: dataBucket.name, eventbridge: true });
}

/** Object Created / Object Deleted events of the data bucket (optionally under a key prefix). */
export const dataEventsRule = new aws.cloudwatch.EventRule("DataEvents", {
  // Named by app and stage (Pulumi would add a random suffix to "DataEvents"), so the deployer policy can scope to it.
  name: `${$app.name}-${$app.stage}-DataEvents`,
  description: "Sluice: data bucket object events to the ingest queue",
  eventPattern: $jsonStringify({
    source: ["aws.s3"],
    "detail-type": ["Object Created", "Object Deleted"],
    detail: {
      bucket: { name: [dataBucket.name] },
      ...(settings.keyPrefix === null ? {} : { object: { key: [{ prefix: settings.keyPrefix }] } }),
    },
  }),
});

new aws.cloudwatch.EventTarget("DataEventsTarget", { rule: dataEventsRule.name, arn: ingestQueue.arn });

// Only this rule may send to the ingest queue.
new aws.sqs.QueuePolicy("IngestQueuePolicy", {
  queueUrl: ingestQueue.url,
  policy: aws.iam.getPolicyDocumentOutput({
    statements: [
      {
        actions: ["sqs:SendMessage"],
        resources: [ingestQueue.arn],
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [dataEventsRule.arn] }],
      },
    ],
  }).json,
});

/** The ingest function, on the ingest queue, reporting failed messages one by one. */
export const ingestSubscriber = ingestQueue.subscribe(
  {
    handler: "functions/ingest.handler",
    runtime: "nodejs22.x",
    timeout: `${INGEST_TIMEOUT_SECONDS} seconds`,
    memory: "1024 MB",
    environment: { ...functionEnvironment({ sendsWork: true }), ...eventsEnvironment },
    permissions: [...pipelinePermissions, ...writeRecords(table, ["GetItem", "PutItem"])],
  },
  { batch: { size: 10, partialResponses: true }, transform: { function: withoutUnusedQueueActions } },
);

/** The work function, on the work queue. */
export const workSubscriber = workQueue.subscribe(
  {
    handler: "functions/work.handler",
    runtime: "nodejs22.x",
    timeout: `${WORK_TIMEOUT_SECONDS} seconds`,
    memory: "1024 MB",
    environment: { ...functionEnvironment({ sendsWork: true }), ...eventsEnvironment },
    permissions: [
      ...pipelinePermissions,
      ...writeRecords(table, ["GetItem", "BatchGetItem", "PutItem", "UpdateItem"]),
      ...scanRecords(table),
    ],
  },
  { batch: { size: 1, partialResponses: true }, transform: { function: withoutUnusedQueueActions } },
);
