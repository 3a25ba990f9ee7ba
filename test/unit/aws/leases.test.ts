import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createLeases } from "../../../packages/aws/src/leases";
import { TransientError } from "../../../packages/core/src/errors";

const config = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(config));
const dynamo = mockClient(doc);
const leases = createLeases(doc, "records");

afterEach(() => {
  dynamo.reset();
});

function sdkError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode } });
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
}

describe("createLeases", () => {
  it("answers false from acquire when another owner holds it", async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed());

    // Act
    const acquired = await leases.acquire("exporter", "b", "t1", "t2");

    // Assert
    expect(acquired).toBe(false);
  });

  it("ignores a lost condition when releasing a lease someone else took", async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed());

    // Act
    const release = leases.release("exporter", "a");

    // Assert
    await expect(release).resolves.toBeUndefined();
  });

  it("throws a TransientError when releasing a lease is throttled", async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(sdkError("ThrottlingException", 400));

    // Act
    const release = leases.release("exporter", "a");

    // Assert
    await expect(release).rejects.toBeInstanceOf(TransientError);
  });
});
