import { SendMessageCommand, SQSClient, SQSServiceException } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createSqsWorkQueue } from "../../../packages/aws/src/sqs-work-queue";
import { isRetryable, TransientError } from "../../../packages/core/src/errors";
import type { WorkMessage } from "../../../packages/core/src/jobs/work-message";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/work";
const client = new SQSClient({
  region: "us-east-1",
  credentials: { accessKeyId: "t", secretAccessKey: "t" },
});
const sqs = mockClient(client);
const queue = createSqsWorkQueue({ client, queueUrl: QUEUE_URL });
const message: WorkMessage = {
  type: "rederive-prefix",
  bucket: "data",
  prefix: "site-1/",
  source: "site-1/_defaults.json",
  sequencer: "0A",
  cursor: null,
};

afterEach(() => {
  sqs.reset();
});

describe("createSqsWorkQueue", () => {
  it("sends the message as JSON to the queue when work is sent", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "1" });

    await queue.send(message);

    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: QUEUE_URL,
      MessageBody: JSON.stringify(message),
    });
  });

  it("throws TransientError when SQS throttles", async () => {
    sqs.on(SendMessageCommand).rejects(
      new SQSServiceException({
        name: "ThrottlingException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    await expect(queue.send(message)).rejects.toBeInstanceOf(TransientError);
  });

  it("throws a non-retryable error when the queue does not exist", async () => {
    sqs.on(SendMessageCommand).rejects(
      new SQSServiceException({
        name: "QueueDoesNotExist",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const error = await queue.send(message).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(isRetryable(error)).toBe(false);
  });
});
