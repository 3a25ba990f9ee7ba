import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { dynamoOperationOf, s3OperationOf, startCountingProxy } from "../../../bench/cost-proxy";

describe("s3OperationOf", () => {
  it("names each path-style request the pipeline sends when given its method, path and query", () => {
    expect(s3OperationOf("GET", "/data?list-type=2&prefix=a%2F")).toBe("ListObjectsV2");
    expect(s3OperationOf("GET", "/data/?list-type=2&prefix=a%2F")).toBe("ListObjectsV2");
    expect(s3OperationOf("HEAD", "/data/")).toBe("HeadBucket");
    expect(s3OperationOf("GET", "/data/a/b.png")).toBe("GetObject");
    expect(s3OperationOf("HEAD", "/data/a/_group.json")).toBe("HeadObject");
    expect(s3OperationOf("PUT", "/exports/imports/01.json?x-id=PutObject")).toBe("PutObject");
    expect(s3OperationOf("DELETE", "/exports/overflow/x")).toBe("DeleteObject");
    expect(s3OperationOf("POST", "/exports?delete")).toBe("DeleteObjects");
  });
});

describe("dynamoOperationOf", () => {
  it("answers the operation after the version when given an X-Amz-Target", () => {
    expect(dynamoOperationOf("DynamoDB_20120810.BatchGetItem")).toBe("BatchGetItem");
    expect(dynamoOperationOf(undefined)).toBe("unknown");
  });
});

describe("startCountingProxy", () => {
  let target: Server | undefined;
  afterEach(() => target?.close());

  it("forwards each request and counts it and its 404 under its operation when requests pass", async () => {
    target = createServer((request, response) => {
      response.writeHead(request.url === "/missing" ? 404 : 200).end(request.url);
    });
    await new Promise<void>((resolve) => target?.listen(0, "127.0.0.1", resolve));
    const { port } = target.address() as AddressInfo;
    const proxy = await startCountingProxy({ port }, (request) => request.url ?? "");

    const found = await fetch(`http://127.0.0.1:${proxy.port}/here`);
    const missing = await fetch(`http://127.0.0.1:${proxy.port}/missing`);
    await fetch(`http://127.0.0.1:${proxy.port}/here`);
    const counted = proxy.take();
    await proxy.stop();

    expect([found.status, await found.text(), missing.status]).toEqual([200, "/here", 404]);
    expect(counted).toEqual({
      "/here": { requests: 2, notFound: 0 },
      "/missing": { requests: 1, notFound: 1 },
    });
  });
});
