import {
  INGEST_TIMEOUT_SECONDS,
  ingestDlq,
  ingestQueue,
  WORK_TIMEOUT_SECONDS,
  workDlq,
  workQueue,
} from "./ingest";
import { settings } from "./settings";

// A message older than five receives of one visibility timeout each (6× the function timeout) is stuck
// behind a backlog, not merely retrying.
const MAX_AGE_FACTOR = 5 * 6;

const alarmActions = settings.alarmTopicArn === null ? [] : [settings.alarmTopicArn];

function queueAlarm(
  name: string,
  queue: sst.aws.Queue,
  metricName: string,
  threshold: number,
  description: string,
) {
  return new aws.cloudwatch.MetricAlarm(name, {
    // By app and stage, like every other resource: stages tell apart in the console, the deployer policy scopes to them.
    name: `${$app.name}-${$app.stage}-${name}`,
    alarmDescription: description,
    namespace: "AWS/SQS",
    metricName,
    dimensions: { QueueName: queue.nodes.queue.name },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanThreshold",
    threshold,
    treatMissingData: "notBreaching",
    alarmActions,
    okActions: alarmActions,
  });
}

/** Any dead letter means a message failed five times: someone should look. */
export const ingestDlqAlarm = queueAlarm(
  "IngestDlqDepth",
  ingestDlq,
  "ApproximateNumberOfMessagesVisible",
  0,
  "Sluice: messages in the ingest dead-letter queue",
);
/** Any dead work page means part of a reimport or defaults change did not run. */
export const workDlqAlarm = queueAlarm(
  "WorkDlqDepth",
  workDlq,
  "ApproximateNumberOfMessagesVisible",
  0,
  "Sluice: messages in the work dead-letter queue",
);
/** The ingest queue falls behind. */
export const ingestAgeAlarm = queueAlarm(
  "IngestOldestMessage",
  ingestQueue,
  "ApproximateAgeOfOldestMessage",
  MAX_AGE_FACTOR * INGEST_TIMEOUT_SECONDS,
  "Sluice: the ingest queue is falling behind",
);
/** The work queue falls behind. */
export const workAgeAlarm = queueAlarm(
  "WorkOldestMessage",
  workQueue,
  "ApproximateAgeOfOldestMessage",
  MAX_AGE_FACTOR * WORK_TIMEOUT_SECONDS,
  "Sluice: the work queue is falling behind",
);
