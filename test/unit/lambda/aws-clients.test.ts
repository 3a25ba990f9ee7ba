import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callDynamo } from "../../../packages/aws/src/dynamo-errors";
import { isTransientSdkError } from "../../../packages/aws/src/s3-errors";
import { createS3ObjectStore } from "../../../packages/aws/src/s3-object-store";
import { LAMBDA_SDK_TIMEOUTS } from "../../../packages/aws/src/sdk-timeouts";
import { createSqsWorkQueue } from "../../../packages/aws/src/sqs-work-queue";
import { TransientError } from "../../../packages/core/src/errors";
import { createAwsClients } from "../../../packages/lambda/src/deps";
import { type StallingServer, startStallingServer } from "../../helpers/stalling-server";

const SHORT = { connectionTimeout: 300, requestTimeout: 300, socketTimeout: 300 };
const CONFIG = { region: "eu-west-1", eventBusName: "sluice" };

let server: StallingServer | undefined;

beforeEach(() => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.stop();
  server = undefined;
});

/** Points every client built after it at a loopback server that behaves as `reply` says. */
async function stallingEndpoint(reply?: Parameters<typeof startStallingServer>[0]) {
  server = await startStallingServer(reply);
  vi.stubEnv("AWS_ENDPOINT_URL", server.endpoint);
  return server;
}

describe("createAwsClients", () => {
  it("fails an S3 read whose announced body never arrives with a TransientError", async () => {
    await stallingEndpoint(() => "headers-only");
    const { s3 } = createAwsClients(CONFIG, SHORT);
    const store = createS3ObjectStore({ client: s3, bucket: "data" });

    const started = Date.now();
    const failure = await store.open("video.mp4").catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransientError);
    expect(String(failure)).toMatch(/GetObject s3:\/\/data\/video\.mp4: TimeoutError/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("fails DynamoDB, SQS and EventBridge calls that are never answered as retryable errors", async () => {
    await stallingEndpoint(() => "silent");
    const { dynamo, sqs, events } = createAwsClients(CONFIG, SHORT);
    const queue = createSqsWorkQueue({ client: sqs, queueUrl: `${server?.endpoint}/000000000000/work` });

    const failures = await Promise.all([
      callDynamo("GetItem", () =>
        dynamo.send(new GetItemCommand({ TableName: "records", Key: { pk: { S: "a" } } })),
      ).catch((error: unknown) => error),
      queue.send({ type: "assemble-group", bucket: "data", folder: "a/" }).catch((error: unknown) => error),
      events
        ?.send(new PutEventsCommand({ Entries: [{ Source: "sluice", DetailType: "t", Detail: "{}" }] }))
        .catch((error: unknown) => error),
    ]);

    expect(failures[0]).toBeInstanceOf(TransientError);
    expect(failures[1]).toBeInstanceOf(TransientError);
    expect(isTransientSdkError(failures[2])).toBe(true);
  });

  it("gives the clients the Lambda timeouts unless told otherwise", async () => {
    await stallingEndpoint(() => ({ body: "", status: 404 }));
    const { s3 } = createAwsClients(CONFIG);

    await s3.send(new HeadObjectCommand({ Bucket: "data", Key: "a" })).catch(() => undefined);

    expect(handlerConfigs(s3.config.requestHandler)).toMatchObject({
      ...LAMBDA_SDK_TIMEOUTS,
      throwOnRequestTimeout: true,
    });
  });
});

/** What a NodeHttpHandler was configured with (known once it has handled a request). */
function handlerConfigs(handler: unknown): unknown {
  if (typeof handler !== "object" || handler === null || !("httpHandlerConfigs" in handler)) return null;
  return typeof handler.httpHandlerConfigs === "function" ? handler.httpHandlerConfigs() : null;
}
