import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PutObjectCommand, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type LocalStack, startLocalStack } from "../../packages/cli/src/local-stack";
import { s3ClientFor } from "../helpers/emulators";
import { mediaBytes } from "../helpers/media";
import { formUpload } from "../helpers/s3-forged";

// The local stack as `npm start` runs it, attacked the ways issue 14 (#3, #4, #5 and the low items) did.
let dataDir: string;
let stack: LocalStack;
let s3: S3Client;
let dynamodbPort: number;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-hostile-"));
  dynamodbPort = await freePort();
  const env = { DATA_DIR: dataDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: String(dynamodbPort) };
  stack = await startLocalStack(env, { onError: () => undefined });
  s3 = s3ClientFor(stack.s3Url);
}, 30_000);
afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function api(path: string): Promise<Response> {
  return fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${stack.token}` } });
}

async function put(key: string, body: string | Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
}

async function refusal(promise: Promise<unknown>): Promise<[string, number | undefined]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return [error.name, error.$metadata.httpStatusCode];
    throw error;
  }
  return ["stored", 200];
}

/** Polls a record until `done` holds for it, or gives up after `ms`; the last answer either way. */
async function recordWhen(key: string, done: (body: Record<string, unknown>) => boolean, ms = 10_000) {
  let last: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
  for (const deadline = Date.now() + ms; Date.now() < deadline; await delay(100)) {
    const response = await api(`/records/${encodeURIComponent(key)}`);
    last = { status: response.status, body: z.record(z.string(), z.unknown()).parse(await response.json()) };
    if (last.status === 200 && done(last.body)) break;
  }
  return last;
}

describe("the local stack belongs to its user", () => {
  it("records nothing from a web page's form uploads of an object and its sidecar", async () => {
    // Prepare: the two POSTs of issue 14 (#3), with no credentials and no signature.
    const key = "attack/evil.png";

    // Act
    const object = await fetch(`${stack.s3Url}/${stack.bucket}`, {
      method: "POST",
      body: formUpload(key, mediaBytes("image.png")),
    });
    const sidecar = await fetch(`${stack.s3Url}/${stack.bucket}`, {
      method: "POST",
      body: formUpload(`${key}.metadata.json`, '{"attacker":true}'),
    });
    // Twice the settle window and an exporter run: long enough for a record to have appeared.
    const record = await recordWhen(key, () => true, 5_000);

    // Assert
    expect([object.status, sidecar.status]).toEqual([403, 403]);
    expect(record.status).toBe(404);
  });

  it("refuses web pages at the local DynamoDB: a CORS preflight and a request with an Origin", async () => {
    // Prepare: dynalite answered every preflight with Access-Control-Allow-Origin "*".
    const url = `http://127.0.0.1:${dynamodbPort}/`;

    // Act
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,x-amz-target",
      },
    });
    const scan = await fetch(url, {
      method: "POST",
      headers: {
        origin: "https://evil.example",
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.Scan",
        authorization:
          "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        "x-amz-date": "20260101T000000Z",
      },
      body: '{"TableName":"sluice-records"}',
    });

    // Assert
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(scan.status).toBe(403);
    expect(await scan.text()).not.toContain("Items");
  });

  it("listens on loopback only: the API, S3 and DynamoDB", async () => {
    // Prepare
    const ports = [new URL(stack.apiUrl).port, new URL(stack.s3Url).port, String(dynamodbPort)].map(Number);

    // Act: the kernel's table of listening TCP sockets (Linux).
    const listening = await listeningAddresses(ports);

    // Assert
    expect(listening).toEqual(ports.map((port) => [port, ["127.0.0.1"]]));
  });
});

describe("the local stack with keys its S3 cannot hold", () => {
  it("answers KeyTooLongError for a 255-character key and 124 × é, and keeps serving", async () => {
    // Prepare: either one crashed the API, S3 and DynamoDB together (issue 14, #5).
    const keys = [`${"k".repeat(251)}.png`, `${"é".repeat(124)}.png`];

    // Act
    const refused = await Promise.all(keys.map((key) => refusal(put(key, mediaBytes("image.png")))));
    await put("after/ok.png", mediaBytes("image.png"));
    const health = await fetch(`${stack.apiUrl}/health`);
    const record = await recordWhen("after/ok.png", (body) => body.status === "ready");

    // Assert
    expect(refused).toEqual([
      ["KeyTooLongError", 400],
      ["KeyTooLongError", 400],
    ]);
    expect(health.status).toBe(200);
    expect(record.body).toMatchObject({ key: "after/ok.png", status: "ready" });
  });

  it("makes a data key whose sidecar key is too long a ready record without a sidecar, not dead letters", async () => {
    // Prepare: the object's last segment (225 bytes) fits, `<key>.metadata.json` (239) does not; every
    // read of that sidecar answered 500 and each of the object's events was retried into the DLQ.
    const key = `near/${"n".repeat(221)}.png`;

    // Act
    await put(key, mediaBytes("image.png"));
    const sidecar = await refusal(put(`${key}.metadata.json`, '{"camera":"c1"}'));
    const record = await recordWhen(key, (body) => body.status === "ready");
    const deadLetters = z.object({ total: z.unknown() }).parse(await (await api("/dead-letters")).json());

    // Assert: the uploader hears why the sidecar cannot be kept; the object is recorded as it is.
    expect(sidecar).toEqual(["KeyTooLongError", 400]);
    expect(record.body).toMatchObject({ key, status: "ready", sidecarKey: null, errors: [] });
    expect(deadLetters.total).toEqual({ ingest: 0, work: 0 });
  });
});

describe("GET /imports on the local stack", () => {
  it("reads only import files: a traversal id, a NUL and a made-up id are 400, a missing ULID 404", async () => {
    // Prepare: a JSON object in the data bucket, which `GET /imports/..%2F..%2F…` read (issue 14, #4).
    await put("private/secret.json", '{"secret":"data-bucket"}');

    // Act
    const traversal = await api(`/imports/..%2F..%2F${stack.bucket}%2Fprivate%2Fsecret`);
    const nul = await api("/imports/%00");
    const madeUp = await api("/imports/adhoc/none");
    const missing = await api("/imports/adhoc/01JZ0000000000000000000000");

    // Assert
    expect(traversal.status).toBe(400);
    expect(await traversal.text()).not.toContain("data-bucket");
    expect(nul.status).toBe(400);
    expect(await nul.text()).not.toContain(stack.exportsBucket);
    expect(await madeUp.json()).toMatchObject({
      error: { code: "invalid-request", details: [{ path: "id" }] },
    });
    expect(missing.status).toBe(404);
  });

  it("answers a cursor it did not give out with 400 invalid-cursor, naming no bucket", async () => {
    // Act: a long made-up cursor answered 503 with `s3://sluice-exports` in its message.
    const response = await api(`/imports?cursor=${"x".repeat(1500)}`);
    const text = await response.text();

    // Assert
    expect(response.status).toBe(400);
    expect(JSON.parse(text).error.code).toBe("invalid-cursor");
    expect(text).not.toContain(stack.exportsBucket);
  });
});

describe("the local stack's event bridge", () => {
  let quiet: LocalStack;
  let quietDir: string;

  beforeAll(async () => {
    quietDir = await mkdtemp(join(tmpdir(), "sluice-bridge-"));
    quiet = await startLocalStack(
      { DATA_DIR: quietDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0" },
      { drain: false, onError: () => undefined },
    );
  }, 30_000);
  afterAll(async () => {
    await quiet?.stop();
    await rm(quietDir, { recursive: true, force: true });
  });

  it("queues the data bucket's uploads and never the exports bucket's writes", async () => {
    // Prepare
    const client = s3ClientFor(quiet.s3Url);

    // Act
    await client.send(
      new PutObjectCommand({ Bucket: quiet.exportsBucket, Key: "imports/x.json", Body: "{}" }),
    );
    await client.send(new PutObjectCommand({ Bucket: quiet.exportsBucket, Key: "a.png", Body: "x" }));
    await client.send(new PutObjectCommand({ Bucket: quiet.bucket, Key: "a.png", Body: "x" }));
    client.destroy();

    // Assert: s3rver emits an upload's event before it answers, so every event is already in the queue.
    const queued = quiet.queues.ingest
      .receive(10)
      .map((message) => JSON.parse(message.body).detail.bucket.name);
    expect(queued).toEqual([quiet.bucket]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** For each port, the local addresses that listen on it, from /proc/net/tcp and tcp6. */
async function listeningAddresses(ports: number[]): Promise<[number, string[]][]> {
  const rows = [
    ...(await readFile("/proc/net/tcp", "utf8")).split("\n").slice(1),
    ...(await readFile("/proc/net/tcp6", "utf8").catch(() => "")).split("\n").slice(1),
  ];
  const listening = rows.flatMap((row) => {
    const [, local, , state] = row.trim().split(/\s+/);
    const [hex, portHex] = (local ?? "").split(":");
    return state === "0A" && hex && portHex
      ? [{ port: Number.parseInt(portHex, 16), address: decode(hex) }]
      : [];
  });
  return ports.map((port) => [port, listening.filter((l) => l.port === port).map((l) => l.address)]);
}

function decode(hex: string): string {
  // IPv4 in host (little-endian) byte order; IPv6 as four little-endian words.
  if (hex.length === 8)
    return (hex.match(/../g) ?? [])
      .reverse()
      .map((b) => Number.parseInt(b, 16))
      .join(".");
  if (hex === "00000000000000000000000001000000") return "::1";
  return hex === "0".repeat(32) ? "::" : `ipv6:${hex}`;
}
