import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetBucketNotificationConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../helpers/cli";
import { type S3rverHandle, startS3rver } from "../helpers/emulators";

// What real S3 answers for a bucket with one queue (with a prefix filter), one topic and one Lambda destination.
const EXISTING = `<?xml version="1.0" encoding="UTF-8"?>
<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<TopicConfiguration><Id>ops</Id><Topic>arn:aws:sns:eu-west-1:123456789012:ops</Topic><Event>s3:ObjectRemoved:*</Event></TopicConfiguration>
<QueueConfiguration><Id>thumbs</Id><Queue>arn:aws:sqs:eu-west-1:123456789012:thumbs</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>images/</Value></FilterRule></S3Key></Filter></QueueConfiguration>
<CloudFunctionConfiguration><Id>resize</Id><CloudFunction>arn:aws:lambda:eu-west-1:123456789012:function:resize</CloudFunction><Event>s3:ObjectCreated:Put</Event></CloudFunctionConfiguration>
</NotificationConfiguration>`;

/** A loopback stand-in for S3's `?notification` sub-resource (s3rver answers NotImplemented), storing what is Put. */
function startNotificationServer() {
  const state = { body: EXISTING, puts: [] as { headers: Record<string, unknown>; body: string }[] };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.replace(/\/$/, "") !== "/data" || !url.searchParams.has("notification")) {
      res.writeHead(404, { "content-type": "application/xml" });
      res.end(
        "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>",
      );
      return;
    }
    if (req.method === "PUT") {
      state.puts.push({ headers: req.headers, body });
      state.body = body;
      res.writeHead(200).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/xml" }).end(state.body);
  });
  return { server, state };
}

let s3rver: S3rverHandle;
let fake: ReturnType<typeof startNotificationServer>;
let fakeEndpoint: string;

const run = (...argv: string[]) => runCli(argv, { AWS_REGION: "eu-west-1" });

beforeAll(async () => {
  // The CLI uses the default credential chain; neither server verifies signatures.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
  s3rver = await startS3rver(["ingest"]);
  fake = startNotificationServer();
  fake.server.listen(0, "127.0.0.1");
  await once(fake.server, "listening");
  const address: string | AddressInfo | null = fake.server.address();
  if (address === null || typeof address === "string") throw new Error("the fake S3 is not on a TCP port");
  fakeEndpoint = `http://127.0.0.1:${address.port}`;
});
afterEach(() => {
  fake.state.body = EXISTING;
  fake.state.puts = [];
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await s3rver?.stop();
  await closeServer(fake.server);
});

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

async function readConfiguration() {
  const client = new S3Client({
    endpoint: fakeEndpoint,
    region: "eu-west-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const { $metadata: _, ...configuration } = await client.send(
    new GetBucketNotificationConfigurationCommand({ Bucket: "data" }),
  );
  client.destroy();
  return configuration;
}

describe("sluice enable-eventbridge over the S3 wire format", () => {
  it("keeps the queue, topic and lambda configurations through a real XML round trip", async () => {
    const before = await readConfiguration();

    const { code, stdout } = await run("enable-eventbridge", "--bucket", "data", "--endpoint", fakeEndpoint);

    expect(code).toBe(0);
    expect(stdout).toBe(
      "enabled EventBridge delivery on s3://data; kept 1 queue, 1 topic, 1 lambda notification configurations\n",
    );
    expect(fake.state.puts).toHaveLength(1);
    expect(fake.state.puts[0]?.headers["x-amz-skip-destination-validation"]).toBe("true");
    expect(await readConfiguration()).toStrictEqual({ ...before, EventBridgeConfiguration: {} });
  });

  it("changes nothing on a second run when the first has enabled delivery", async () => {
    await run("enable-eventbridge", "--bucket", "data", "--endpoint", fakeEndpoint);

    const { code, stdout } = await run("enable-eventbridge", "--bucket", "data", "--endpoint", fakeEndpoint);

    expect(code).toBe(0);
    expect(stdout).toContain("already on for s3://data; changed nothing (1 queue, 1 topic, 1 lambda");
    expect(fake.state.puts).toHaveLength(1);
  });
});

describe("sluice enable-eventbridge against s3rver", () => {
  it("reports a missing bucket in one line when s3rver does not know it", async () => {
    const { code, stderr } = await run(
      "enable-eventbridge",
      "--bucket",
      "nope",
      "--endpoint",
      s3rver.endpoint,
    );

    expect(code).toBe(1);
    expect(stderr).toBe(
      "sluice: could not read the notification configuration of s3://nope: the bucket does not exist\n",
    );
  });

  it("reports in one line that s3rver has no bucket notifications when the bucket exists", async () => {
    const { code, stderr } = await run(
      "enable-eventbridge",
      "--bucket",
      "ingest",
      "--endpoint",
      s3rver.endpoint,
    );

    expect(code).toBe(1);
    expect(stderr).toBe(
      "sluice: could not read the notification configuration of s3://ingest: this S3 endpoint does not implement bucket notifications\n",
    );
  });
});
