// The counting proxies of `bench:cost`: a loopback HTTP proxy in front of an emulator that names each request's
// AWS operation (S3 from method, path and query; DynamoDB from X-Amz-Target) and counts it, and its 404s, as it
// passes. Requests on the wire are what AWS bills, retries included, whichever client or adapter sends them.
import { Agent, createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Requests and 404 answers per operation, e.g. `{ GetObject: { requests: 4, notFound: 3 } }`. */
export type OperationCounts = Record<string, { requests: number; notFound: number }>;

/** A running counting proxy. */
export interface CountingProxy {
  port: number;
  /** The counts since the last take; counting starts again from zero. */
  take(): OperationCounts;
  stop(): Promise<void>;
}

/** Names the S3 operation of a path-style request (`/bucket` or `/bucket/key`). */
export function s3OperationOf(method: string, url: string): string {
  const parsed = new URL(url, "http://proxy");
  const query = parsed.searchParams;
  // The SDK sends a bucket-level request as `/bucket/?…` (trailing slash): only a non-empty rest is a key.
  const hasKey = /^\/+[^/]+\/.+/.test(parsed.pathname);
  switch (method) {
    case "GET":
      if (!hasKey) return query.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
      return query.has("uploadId") ? "ListParts" : "GetObject";
    case "HEAD":
      return hasKey ? "HeadObject" : "HeadBucket";
    case "PUT":
      if (query.has("partNumber")) return "UploadPart";
      return hasKey ? "PutObject" : "CreateBucket";
    case "POST":
      if (query.has("delete")) return "DeleteObjects";
      if (query.has("uploads")) return "CreateMultipartUpload";
      return query.has("uploadId") ? "CompleteMultipartUpload" : "PostObject";
    case "DELETE":
      return query.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    default:
      return `${method}?`;
  }
}

/** Names the DynamoDB operation of a request from its `X-Amz-Target` (`DynamoDB_20120810.GetItem`). */
export function dynamoOperationOf(target: string | undefined): string {
  return target?.split(".").at(-1) ?? "unknown";
}

/** Starts a proxy on 127.0.0.1 that forwards every request to `target` and counts it under `operationOf`. */
export async function startCountingProxy(
  target: { port: number },
  operationOf: (request: IncomingMessage) => string,
): Promise<CountingProxy> {
  let counts: OperationCounts = {};
  const agent = new Agent({ keepAlive: true });
  const server: Server = createServer((incoming, outgoing) => {
    const operation = operationOf(incoming);
    const entry = counts[operation] ?? { requests: 0, notFound: 0 };
    counts[operation] = entry;
    entry.requests += 1;
    const forwarded = request(
      {
        host: "127.0.0.1",
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (answer) => {
        if (answer.statusCode === 404) entry.notFound += 1;
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", (error) => outgoing.destroy(error));
    incoming.pipe(forwarded);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address: string | AddressInfo | null = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no TCP port");
  const { port } = address;
  return {
    port,
    take() {
      const snapshot = structuredClone(counts);
      counts = {};
      return snapshot;
    },
    stop() {
      agent.destroy();
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
