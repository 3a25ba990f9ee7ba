import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { enableEventBridge } from "../../../packages/cli/src/enable-eventbridge";
import { runCli } from "../../helpers/cli";

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const QUEUES = [
  {
    Id: "thumbnails",
    QueueArn: "arn:aws:sqs:eu-west-1:123456789012:thumbnails",
    Events: ["s3:ObjectCreated:*" as const],
    Filter: { Key: { FilterRules: [{ Name: "prefix" as const, Value: "images/" }] } },
  },
  {
    Id: "audit",
    QueueArn: "arn:aws:sqs:eu-west-1:123456789012:audit",
    Events: ["s3:ObjectRemoved:*" as const],
  },
];
const TOPICS = [
  { Id: "ops", TopicArn: "arn:aws:sns:eu-west-1:123456789012:ops", Events: ["s3:Replication:*" as const] },
];
const LAMBDAS = [
  {
    Id: "resize",
    LambdaFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:resize",
    Events: ["s3:ObjectCreated:Put" as const],
  },
];

function s3Error(name: string, status: number) {
  return new S3ServiceException({
    name,
    $fault: "client",
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

const run = (...argv: string[]) => runCli(argv, { AWS_REGION: "eu-west-1" });

describe("enableEventBridge", () => {
  it("keeps every queue, topic and lambda configuration unchanged when it adds EventBridge", async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({
      $metadata: { httpStatusCode: 200, requestId: "r1" },
      QueueConfigurations: QUEUES,
      TopicConfigurations: TOPICS,
      LambdaFunctionConfigurations: LAMBDAS,
    });
    s3.on(PutBucketNotificationConfigurationCommand).resolves({});

    const result = await enableEventBridge(new S3Client({ region: "eu-west-1" }), "data");

    expect(result).toEqual({ bucket: "data", changed: true, kept: { queue: 2, topic: 1, lambda: 1 } });
    expect(s3).toHaveReceivedCommandTimes(PutBucketNotificationConfigurationCommand, 1);
    const put = s3.commandCalls(PutBucketNotificationConfigurationCommand)[0]?.args[0].input;
    expect(put).toStrictEqual({
      Bucket: "data",
      NotificationConfiguration: {
        QueueConfigurations: QUEUES,
        TopicConfigurations: TOPICS,
        LambdaFunctionConfigurations: LAMBDAS,
        EventBridgeConfiguration: {},
      },
      SkipDestinationValidation: true,
    });
  });

  it("sends only EventBridge when the bucket has no other notification configuration", async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({ $metadata: { httpStatusCode: 200 } });
    s3.on(PutBucketNotificationConfigurationCommand).resolves({});

    await enableEventBridge(new S3Client({ region: "eu-west-1" }), "data");

    const put = s3.commandCalls(PutBucketNotificationConfigurationCommand)[0]?.args[0].input;
    expect(put?.NotificationConfiguration).toStrictEqual({ EventBridgeConfiguration: {} });
  });

  it("sends no Put when EventBridge delivery is already on", async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({
      QueueConfigurations: QUEUES,
      EventBridgeConfiguration: {},
    });

    const result = await enableEventBridge(new S3Client({ region: "eu-west-1" }), "data");

    expect(result.changed).toBe(false);
    expect(s3).not.toHaveReceivedCommand(PutBucketNotificationConfigurationCommand);
  });
});

describe("sluice enable-eventbridge", () => {
  it("says what it changed in one line when it enables delivery", async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({
      QueueConfigurations: QUEUES,
      TopicConfigurations: TOPICS,
    });
    s3.on(PutBucketNotificationConfigurationCommand).resolves({});

    const { code, stdout } = await run("enable-eventbridge", "--bucket", "data");

    expect(code).toBe(0);
    expect(stdout).toBe(
      "enabled EventBridge delivery on s3://data; kept 2 queue, 1 topic, 0 lambda notification configurations\n",
    );
  });

  it("says that nothing changed when delivery is already on", async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({ EventBridgeConfiguration: {} });

    const { code, stdout } = await run("enable-eventbridge", "--bucket", "s3://data");

    expect(code).toBe(0);
    expect(stdout).toContain("already on for s3://data; changed nothing");
    expect(s3).not.toHaveReceivedCommand(PutBucketNotificationConfigurationCommand);
  });

  it.each([
    [
      "NoSuchBucket",
      404,
      "could not read the notification configuration of s3://data: the bucket does not exist",
    ],
    ["AccessDenied", 403, "s3:GetBucketNotification and s3:PutBucketNotification"],
  ])("reports %s on the read in one line with exit code 1 when S3 refuses", async (name, status, text) => {
    s3.on(GetBucketNotificationConfigurationCommand).rejects(s3Error(name, status));

    const { code, stdout, stderr } = await run("enable-eventbridge", "--bucket", "data");

    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(text);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("names the write step in one line when the Put is denied", async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({});
    s3.on(PutBucketNotificationConfigurationCommand).rejects(s3Error("AccessDenied", 403));

    const { code, stderr } = await run("enable-eventbridge", "--bucket", "data");

    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^sluice: could not write the notification configuration of s3:\/\/data: access denied/,
    );
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("folds a multi-line SDK message into one line when the error is unknown", async () => {
    const error = s3Error("SlowDown", 503);
    error.message = "Please reduce\nyour request rate.";
    s3.on(GetBucketNotificationConfigurationCommand).rejects(error);

    const { code, stderr } = await run("enable-eventbridge", "--bucket", "data");

    expect(code).toBe(1);
    expect(stderr).toBe(
      "sluice: could not read the notification configuration of s3://data: SlowDown: Please reduce your request rate.\n",
    );
  });

  it("answers a usage error without calling S3 when --bucket is missing", async () => {
    const { code, stderr } = await run("enable-eventbridge");

    expect(code).toBe(2);
    expect(stderr).toContain("enable-eventbridge takes --bucket NAME");
    expect(s3.calls()).toHaveLength(0);
  });
});
