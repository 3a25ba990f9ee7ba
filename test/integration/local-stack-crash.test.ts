import { mkdtemp, rm } from "node:fs/promises";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLocalS3rver, startLocalDynamo } from "../../packages/cli/src/local-emulators";
import { type LocalStack, startLocalStack } from "../../packages/cli/src/local-stack";
import { s3ClientFor } from "../helpers/emulators";
import { mediaBytes } from "../helpers/media";
import { StackExitedError, type StackProcess, spawnStack } from "../helpers/stack-process";

// Issue 14 (low): after a kill -9 of `npm start`, 16 of 152 acknowledged uploads had no record until a
// reconcile, and exports waited 5 minutes on the dead process's lease.
const IMAGE = mediaBytes("image.png");
const TABLE = "sluice-records";
const PLANNED = 400;
const KILL_AFTER = 80;

let dataDir: string | undefined;
const stacks: StackProcess[] = [];
const inProcess: LocalStack[] = [];

afterEach(async () => {
  await Promise.all(stacks.splice(0).map((stack) => stack.kill("SIGTERM")));
  await Promise.all(inProcess.splice(0).map((stack) => stack.stop()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function localEnv(dir: string) {
  return { DATA_DIR: dir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0" };
}

async function start(dir: string): Promise<StackProcess> {
  const stack = await spawnStack(dir);
  stacks.push(stack);
  return stack;
}

/**
 * Uploads up to PLANNED images, 16 at a time, and kills the stack with SIGKILL the moment the KILL_AFTER-th
 * PUT is answered 200, with other PUTs in flight; answers the keys S3 acknowledged.
 */
async function uploadAndKill(stack: StackProcess): Promise<string[]> {
  // No retries: a PUT cut by the kill must fail, not be sent again to the stack that comes next.
  const client = new S3Client({
    endpoint: stack.s3,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "any", secretAccessKey: "any" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 16 }) },
  });
  const acknowledged: string[] = [];
  let next = 0;
  let killed: Promise<void> | undefined;
  const worker = async () => {
    while (killed === undefined && next < PLANNED) {
      const key = `crash/img-${String(next).padStart(4, "0")}.png`;
      next += 1;
      try {
        await client.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: IMAGE }));
      } catch {
        continue; // cut by the kill: never acknowledged
      }
      if (killed !== undefined) continue; // answered after the kill was sent: not counted either way
      acknowledged.push(key);
      if (acknowledged.length === KILL_AFTER) killed = stack.kill("SIGKILL");
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await killed;
  client.destroy();
  return acknowledged;
}

/** What a kill -9 during an export run leaves: the exporter's lease, held by the dead process for 5 minutes. */
async function leaveDeadExporterLease(dir: string, deadPid: number): Promise<void> {
  const dynamo = await startLocalDynamo(dir, 0, TABLE);
  try {
    const now = Date.now();
    const item = {
      pk: { S: "#lease#exporter" },
      owner: { S: `export-${deadPid}-${now}` },
      expiresAt: { S: new Date(now + 5 * 60_000).toISOString() },
    };
    await dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: item }));
  } finally {
    await dynamo.stop();
  }
}

/** What a kill -9 between s3rver storing an object and sending its event leaves: an object no event names. */
async function storeWithoutEvent(dir: string, bucket: string, key: string): Promise<void> {
  const server = createLocalS3rver({ directory: join(dir, "s3"), port: 0, buckets: [bucket] });
  const { port } = await server.run();
  const client = s3ClientFor(`http://127.0.0.1:${port}`);
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: IMAGE }));
  } finally {
    client.destroy();
    await server.close();
  }
}

const RecordsPageSchema = z.object({
  records: z.array(z.object({ key: z.string(), export: z.object({ state: z.string() }) })),
  cursor: z.string().nullable(),
});

/** Each record's export state under `crash/`, read through the API. */
async function exportStates(stack: StackProcess): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ prefix: "crash/", limit: "1000", ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${stack.api}/records?${query}`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    const body: unknown = await response.json();
    // A stack just started may answer 503 while its emulators warm up: the caller polls again.
    if (response.status === 503) return states;
    if (response.status !== 200)
      throw new Error(`GET /records answered ${response.status}: ${JSON.stringify(body)}`);
    const page = RecordsPageSchema.parse(body);
    for (const record of page.records) states.set(record.key, record.export.state);
    cursor = page.cursor;
  } while (cursor !== null);
  return states;
}

/** Polls until every key is exported, for at most `ms`; answers the keys without a record and those not exported. */
async function waitUntilExported(stack: StackProcess, keys: readonly string[], ms: number) {
  let states = new Map<string, string>();
  for (const deadline = Date.now() + ms; Date.now() < deadline; await delay(500)) {
    states = await exportStates(stack);
    if (keys.every((key) => states.get(key) === "exported")) break;
  }
  return {
    missing: keys.filter((key) => !states.has(key)),
    notExported: keys.filter((key) => states.has(key) && states.get(key) !== "exported"),
  };
}

describe("sluice start after a kill -9", () => {
  it("records and exports every upload S3 acknowledged, without a reconcile by hand or waiting out the dead process's lease", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "sluice-crash-"));
    const first = await start(dataDir);
    const acknowledged = await uploadAndKill(first);
    stacks.splice(stacks.indexOf(first), 1);
    await leaveDeadExporterLease(dataDir, first.pid);
    const unannounced = "crash/stored-then-killed.png";
    await storeWithoutEvent(dataDir, first.bucket, unannounced);

    // Act
    const second = await start(dataDir);
    // Records, the settle window and an exporter run take seconds; the dead exporter's lease held exports 5 minutes.
    const result = await waitUntilExported(second, [...acknowledged, unannounced], 30_000);

    // Assert
    expect(acknowledged).toHaveLength(KILL_AFTER);
    expect(result).toEqual({ missing: [], notExported: [] });
    expect(second.stderr()).toMatch(/did not stop cleanly/);
  }, 90_000);
});

describe("sluice start on a data directory another stack used", () => {
  it("refuses to start a second stack on a data directory that a running stack holds, naming its pid", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "sluice-crash-"));
    inProcess.push(await startLocalStack(localEnv(dataDir), { onError: () => undefined }));

    // Act
    const second = await spawnStack(dataDir, {}, 15_000).catch((error: unknown) => error);

    // Assert
    expect(second).toBeInstanceOf(StackExitedError);
    expect(second).toMatchObject({ code: 2, stderr: expect.stringContaining(`pid ${process.pid}`) });
  });

  it("starts no reconcile after a clean stop", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "sluice-crash-"));
    const notices: string[] = [];
    const options = { onError: () => undefined, onNotice: (message: string) => void notices.push(message) };
    await (await startLocalStack(localEnv(dataDir), options)).stop();

    // Act
    inProcess.push(await startLocalStack(localEnv(dataDir), options));

    // Assert
    expect(notices).toEqual([]);
  });
});
