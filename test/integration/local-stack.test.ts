import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../packages/cli/src/local-stack";

const VIDEO = "test/fixtures/probe/media/h264-25fps-faststart.mp4";
const KEY = "clips/a b+1.mp4";

let dataDir: string;
const running: LocalStack[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-local-"));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((stack) => stack.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(options: { drain?: boolean } = {}): Promise<LocalStack> {
  const env = { DATA_DIR: dataDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0" };
  const stack = await startLocalStack(env, { ...options, onError: () => undefined });
  running.push(stack);
  return stack;
}

async function stop(stack: LocalStack): Promise<void> {
  running.splice(running.indexOf(stack), 1);
  await stack.stop();
}

/** Uploads the video and its sidecar as any user would: a plain S3 client with made-up credentials. */
async function upload(stack: LocalStack, key: string): Promise<void> {
  const client = new S3Client({
    endpoint: stack.s3Url,
    region: "eu-west-2",
    forcePathStyle: true,
    credentials: { accessKeyId: "anything", secretAccessKey: "at-all" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  try {
    await client.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: await readFile(VIDEO) }));
    await client.send(
      new PutObjectCommand({ Bucket: stack.bucket, Key: `${key}.metadata.json`, Body: '{"camera":"c1"}' }),
    );
  } finally {
    client.destroy();
  }
}

function getRecord(stack: LocalStack, key: string, token = stack.token): Promise<Response> {
  return fetch(`${stack.apiUrl}/records/${encodeURIComponent(key)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** Polls the API until the record is ready with its sidecar applied, or fails after 10 s. */
async function readyRecord(stack: LocalStack, key: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  let last: unknown = null;
  while (Date.now() < deadline) {
    const response = await getRecord(stack, key);
    if (response.status === 200) {
      last = await response.json();
      if (isReady(last)) return last;
    } else await response.body?.cancel();
    await delay(50);
  }
  throw new Error(`record of ${key} not ready within 10 s: ${JSON.stringify(last)}`);
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 5_000; waited += 20) await delay(20);
}

function isReady(body: unknown): body is Record<string, unknown> {
  if (typeof body !== "object" || body === null || !("status" in body) || !("sidecarKey" in body))
    return false;
  return body.status === "ready" && body.sidecarKey !== null;
}

describe("startLocalStack", () => {
  it("prints one ready line naming the actual ports, the buckets and the token when started on port 0", async () => {
    // Act
    const stack = await start();

    // Assert
    expect(stack.readyLine).toMatch(
      /^sluice ready api=http:\/\/127\.0\.0\.1:[1-9]\d* s3=http:\/\/127\.0\.0\.1:[1-9]\d* bucket=ingest exports=sluice-exports token=[\w-]{43}$/,
    );
    expect(stack.readyLine).toContain(`api=${stack.apiUrl} s3=${stack.s3Url}`);
    expect((await readFile(join(dataDir, "api-token"), "utf8")).trim()).toBe(stack.token);
  });

  it("answers 401 when the bearer token is missing or wrong", async () => {
    // Prepare
    const stack = await start();

    // Act
    const wrong = await getRecord(stack, KEY, "not-the-token");
    const missing = await fetch(`${stack.apiUrl}/records/x`);

    // Assert
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
  });

  it("makes an uploaded video and its sidecar a ready record that survives a restart", async () => {
    // Prepare
    const first = await start();
    await upload(first, KEY);
    const before = await readyRecord(first, KEY);

    // Act
    await stop(first);
    const second = await start();
    const response = await getRecord(second, KEY);

    // Assert
    expect(before).toMatchObject({ key: KEY, dataType: "video", clientMetadata: { camera: "c1" } });
    expect(second.token).toBe(first.token);
    expect(response.status).toBe(200);
    // Only the export state (and with it the revision) may have moved on: the exporter runs every 2 s.
    const { export: _export, revision: _revision, ...derived } = before;
    expect(await response.json()).toMatchObject(derived);
  });

  it("processes after a restart the messages that were queued but not drained when it stopped", async () => {
    // Prepare
    const first = await start({ drain: false });
    await upload(first, KEY);
    const queued = first.queues.ingest.size();
    await stop(first);

    // Act
    const second = await start();
    const record = await readyRecord(second, KEY);
    // The drain deletes a batch's messages just after the handler has written their records.
    await until(() => second.queues.ingest.size() + second.queues.ingest.inFlight() === 0);

    // Assert
    expect(queued).toBe(2);
    expect(record).toMatchObject({ key: KEY, status: "ready", sidecarKey: `${KEY}.metadata.json` });
    expect(second.queues.ingest.size() + second.queues.ingest.inFlight()).toBe(0);
    expect(second.queues.ingest.deadLetters()).toEqual([]);
  });
});
