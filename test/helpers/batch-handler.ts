import { Logger, type LogItem } from "@aws-lambda-powertools/logger";
import type { ConstructorOptions } from "@aws-lambda-powertools/logger/types";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import type { Context, SQSEvent } from "aws-lambda";
import { parseConfig } from "../../packages/aws/src/index";
import type { PipelineDeps } from "../../packages/core/src/index";
import { createDeps, type Deps } from "../../packages/lambda/src/deps";
import { createMemoryWorkQueue } from "./fakes";

/** A Powertools logger that keeps each line, as it would print it, in `lines`; its children share the list. */
export class CapturingLogger extends Logger {
  constructor(
    readonly lines: Record<string, unknown>[],
    options: ConstructorOptions = {},
  ) {
    super(options);
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new CapturingLogger(this.lines, options);
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    this.lines.push(JSON.parse(JSON.stringify(log.getAttributes(), this.getJsonReplacer())));
  }
}

/** A handler's deps over the given (fake) pipeline, logging into `lines`; its SDK clients are never called. */
export function createHandlerDeps(pipeline: PipelineDeps, lines: Record<string, unknown>[]): Deps {
  const config = parseConfig({
    DATA_BUCKET: "data",
    EXPORTS_BUCKET: "exports",
    TABLE_NAME: "records",
    AWS_REGION: "eu-west-1",
  });
  const clients = {
    s3: new S3Client({ region: "eu-west-1" }),
    dynamo: new DynamoDBClient({ region: "eu-west-1" }),
    work: createMemoryWorkQueue(),
  };
  const deps = createDeps(config, clients, new CapturingLogger(lines, { serviceName: "sluice-test" }));
  return { ...deps, pipeline };
}

/** The event an SQS event source mapping hands a function: one record per body, ids `m0`, `m1`… */
export function sqsBatch(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "0",
        SenderId: "events",
        ApproximateFirstReceiveTimestamp: "0",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:eu-west-1:000000000000:queue",
      awsRegion: "eu-west-1",
    })),
  };
}

/** A Lambda context with a minute to go. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "sluice-test",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:000000000000:function:sluice-test",
    memoryLimitInMB: "1024",
    awsRequestId: "request",
    logGroupName: "/aws/lambda/sluice-test",
    logStreamName: "test",
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
