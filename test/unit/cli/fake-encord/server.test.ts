import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeEncord, startFakeEncord } from "../../../../packages/cli/src/fake-encord/index";

const FOLDER = "11111111-1111-4111-8111-111111111111";
const INTEGRATION = "22222222-2222-4222-8222-222222222222";
const JOBS = `/v2/public/storage/folders/${FOLDER}/data-upload-jobs`;
const ITEMS = `/v2/public/storage/folders/${FOLDER}/items`;
const URL_A = "https://b.s3.eu-west-1.amazonaws.com/cams/a.mp4";
const URL_B = "https://b.s3.eu-west-1.amazonaws.com/cams/b.mp4";
const { privateKey } = generateKeyPairSync("ed25519");
const JobStateSchema = z.looseObject({
  status: z.string(),
  itemsWithNames: z.array(z.object({ itemUuid: z.string(), name: z.string() })),
  unitErrors: z.array(z.unknown()),
});
const PageSchema = z.object({
  results: z.array(z.looseObject({ uuid: z.string(), name: z.string(), clientMetadata: z.string() })),
  nextPageToken: z.string().nullable(),
});

// A tiny signer written here from encord-api.md §1.2, independent of the production client.
function publicRaw(key: KeyObject): Buffer {
  return Buffer.from(createPublicKey(key).export({ format: "jwk" }).x ?? "", "base64url");
}

function sshLine(key: KeyObject): string {
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(publicRaw(key))]);
  return `ssh-ed25519 ${blob.toString("base64")}`;
}

function signHeaders(method: string, target: string, body: Buffer): Record<string, string> {
  const digest = `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
  const created = Math.floor(Date.now() / 1000) - 30;
  const params = `("@method" "@request-target" "content-digest");created=${created};keyid="${publicRaw(privateKey).toString("hex")}";alg="ed25519"`;
  const base = `"@method": ${method}\n"@request-target": ${target}\n"content-digest": ${digest}\n"@signature-params": ${params}`;
  const signature = sign(null, Buffer.from(base, "utf8"), privateKey).toString("base64");
  return {
    "Content-Digest": digest,
    "Signature-Input": `encord-sig=${params}`,
    Signature: `encord-sig=:${signature}:`,
  };
}

let fake: FakeEncord | undefined;

async function start(
  options: { jobDelayMs?: number; longPollCapSeconds?: number; maxBodyBytes?: number } = {},
): Promise<FakeEncord> {
  fake = await startFakeEncord({
    keys: [sshLine(privateKey)],
    integrations: [INTEGRATION],
    folders: [FOLDER],
    ...options,
  });
  return fake;
}

async function call(server: FakeEncord, method: string, path: string, body?: unknown, signed = true) {
  const url = new URL(path, server.url);
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = signed ? signHeaders(method, url.pathname + url.search, Buffer.from(text)) : {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : text });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

function jobBody(externalFiles: unknown, ignoreErrors = true) {
  return { externalFiles, integrationHash: INTEGRATION, ignoreErrors };
}

async function waitForJob(server: FakeEncord, uuid: unknown) {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const poll = await call(server, "GET", `${JOBS}/${String(uuid)}?timeoutSeconds=5`);
    const state = JobStateSchema.parse(poll.json);
    if (state.status !== "PENDING") return state;
  }
  throw new Error("job never finished");
}

async function runJob(server: FakeEncord, body: unknown) {
  const created = await call(server, "POST", JOBS, body);
  return waitForJob(server, created.json);
}

afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

describe("startFakeEncord", () => {
  it("answers 401 with a message when the request is unsigned", async () => {
    // Prepare
    const server = await start();
    // Act
    const response = await call(server, "GET", ITEMS, undefined, false);
    // Assert
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: expect.stringContaining("missing") });
  });

  it("answers a bare uuid string when a signed job body is valid", async () => {
    // Prepare
    const server = await start();
    // Act
    const response = await call(server, "POST", JOBS, {
      ...jobBody({ videos: [{ objectUrl: URL_A }] }),
      fileName: "a.json",
    });
    // Assert
    expect(response.status).toBe(200);
    expect(response.json).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 400 with a detail when ignoreErrors is missing", async () => {
    // Prepare
    const server = await start();
    // Act
    const response = await call(server, "POST", JOBS, {
      externalFiles: { videos: [] },
      integrationHash: INTEGRATION,
    });
    // Assert
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ detail: expect.stringContaining("ignoreErrors") });
  });

  it("answers 400 when the body has an unknown field", async () => {
    // Prepare
    const server = await start();
    // Act
    const response = await call(server, "POST", JOBS, { ...jobBody({ videos: [] }), extra: 1 });
    // Assert
    expect(response.status).toBe(400);
  });

  it("answers 403 when the integration is unknown", async () => {
    // Prepare
    const server = await start();
    // Act
    const response = await call(server, "POST", JOBS, {
      ...jobBody({ videos: [] }),
      integrationHash: "nope",
    });
    // Assert
    expect(response.status).toBe(403);
    expect(response.json).toEqual({ message: expect.stringContaining("integration") });
  });

  it("reports PENDING then DONE with itemsWithNames when the job runs", async () => {
    // Prepare
    const server = await start({ jobDelayMs: 300 });
    const spec = {
      videos: [{ objectUrl: URL_A, title: "a" }],
      image_groups: [{ title: "g", objectUrl_0: URL_B }],
    };
    const job = await call(server, "POST", JOBS, jobBody(spec));
    // Act
    const first = await call(server, "GET", `${JOBS}/${job.json}?timeoutSeconds=0`);
    const done = await waitForJob(server, job.json);
    // Assert
    expect(first.json).toMatchObject({ status: "PENDING", unitsPendingCount: 2, itemsWithNames: [] });
    expect(done).toMatchObject({ status: "DONE", unitsDoneCount: 2, unitsPendingCount: 0 });
    expect(done.itemsWithNames.map((item) => item.name)).toEqual(["a", "g"]);
  });

  it("ends ERROR listing the objectUrl when a unit fails and ignoreErrors is false", async () => {
    // Prepare
    const server = await start();
    server.inject({ unitErrors: { [URL_B]: "cannot read object" } });
    const spec = { videos: [{ objectUrl: URL_A }, { objectUrl: URL_B }] };
    // Act
    const strict = await runJob(server, jobBody(spec, false));
    const lenient = await runJob(server, jobBody(spec, true));
    // Assert
    expect(strict).toMatchObject({ status: "ERROR", unitsErrorCount: 1, unitsDoneCount: 1 });
    expect(strict.unitErrors).toEqual([
      {
        objectUrls: [URL_B],
        error: "cannot read object",
        subtaskUuid: expect.any(String),
        actionDescription: expect.any(String),
      },
    ]);
    expect(lenient).toMatchObject({ status: "DONE", unitsErrorCount: 1 });
  });

  it("creates no new items when a second job repeats URLs with skip_duplicate_urls", async () => {
    // Prepare
    const server = await start();
    await runJob(server, jobBody({ videos: [{ objectUrl: URL_A, clientMetadata: { v: 1 } }] }));
    // Act
    const skipped = await runJob(
      server,
      jobBody({ videos: [{ objectUrl: URL_A, clientMetadata: { v: 2 } }], skip_duplicate_urls: true }),
    );
    const afterSkip = await call(server, "GET", `${ITEMS}?pageSize=10&desc=False`);
    const upserted = await runJob(
      server,
      jobBody({
        videos: [{ objectUrl: URL_A, clientMetadata: { v: 3 } }],
        skip_duplicate_urls: true,
        upsert_metadata: true,
      }),
    );
    const afterUpsert = await call(server, "GET", `${ITEMS}?pageSize=10`);
    // Assert
    expect(skipped).toMatchObject({ status: "DONE", itemsWithNames: [], unitsDoneCount: 1 });
    expect(PageSchema.parse(afterSkip.json).results.map((item) => item.clientMetadata)).toEqual(['{"v":1}']);
    expect(upserted.itemsWithNames).toEqual([]);
    expect(PageSchema.parse(afterUpsert.json).results.map((item) => item.clientMetadata)).toEqual([
      '{"v":3}',
    ]);
  });

  it("answers 429 with Retry-After when a status fault is injected", async () => {
    // Prepare
    const server = await start();
    server.inject({ status: { code: 429, retryAfter: 7, times: 1, route: /\/items/ } });
    // Act
    const limited = await call(server, "GET", ITEMS);
    const next = await call(server, "GET", ITEMS);
    // Assert
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.json).toHaveProperty("message");
    expect(next.status).toBe(200);
  });

  it("holds a long poll for the cap when nothing changes", async () => {
    // Prepare
    const server = await start({ jobDelayMs: 60_000, longPollCapSeconds: 1 });
    const job = await call(server, "POST", JOBS, jobBody({ images: [{ objectUrl: URL_A }] }));
    const started = performance.now();
    // Act
    const poll = await call(server, "GET", `${JOBS}/${job.json}?timeoutSeconds=604800`);
    const elapsed = performance.now() - started;
    // Assert
    expect(poll.json).toMatchObject({ status: "PENDING" });
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(3_000);
  });

  it("replaces clientMetadata wholesale when patch-bulk names a known item", async () => {
    // Prepare
    const server = await start();
    const done = await runJob(
      server,
      jobBody({ videos: [{ objectUrl: URL_A, clientMetadata: { a: 1, b: 2 } }] }),
    );
    const uuid = done.itemsWithNames[0]?.itemUuid ?? "";
    // Act
    const patched = await call(server, "PATCH", "/v2/public/storage/items/patch-bulk", {
      itemPatches: { [uuid]: { clientMetadata: { c: 3 } } },
    });
    const unknown = await call(server, "PATCH", "/v2/public/storage/items/patch-bulk", {
      itemPatches: { "00000000-0000-4000-8000-000000000000": { clientMetadata: {} } },
    });
    // Assert
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ results: [{ uuid, clientMetadata: '{"c":3}', url: URL_A }] });
    expect(uuid).not.toBe("");
    expect(unknown.status).toBe(404);
  });

  it("returns null until the first schema POST and the map after it", async () => {
    // Prepare
    const server = await start();
    const path = "/v2/public/organisation/client-metadata-schema-v2";
    // Act
    const before = await call(server, "GET", path);
    await call(server, "POST", path, { site: { ty: "enum", values: ["a"] } });
    const after = await call(server, "GET", path);
    // Assert
    expect(before.json).toBeNull();
    expect(after.json).toEqual({ site: { ty: "enum", values: ["a"] } });
  });

  it("pages items and rejects a pageSize outside 1–1000", async () => {
    // Prepare
    const server = await start();
    await runJob(
      server,
      jobBody({
        images: [
          { objectUrl: URL_A, title: "1" },
          { objectUrl: URL_B, title: "2" },
        ],
      }),
    );
    // Act
    const first = await call(
      server,
      "GET",
      `${ITEMS}?isRecursive=False&order=name&desc=False&pageSize=1&signUrls=False`,
    );
    const second = await call(
      server,
      "GET",
      `${ITEMS}?pageSize=1&pageToken=${PageSchema.parse(first.json).nextPageToken}`,
    );
    const invalid = await call(server, "GET", `${ITEMS}?pageSize=1001`);
    // Assert
    expect(PageSchema.parse(first.json).results.map((item) => item.name)).toEqual(["1"]);
    expect(second.json).toMatchObject({ results: [{ name: "2" }], nextPageToken: null });
    expect(invalid.status).toBe(400);
  });

  it("marks a job CANCELLED when it is cancelled while pending", async () => {
    // Prepare
    const server = await start({ jobDelayMs: 60_000 });
    const job = await call(server, "POST", JOBS, jobBody({ audio: [{ objectUrl: URL_A }] }));
    // Act
    const cancel = await call(server, "POST", `${JOBS}/${job.json}/cancel`);
    const poll = await call(server, "GET", `${JOBS}/${job.json}?timeoutSeconds=0`);
    // Assert
    expect(cancel.json).toEqual({ unitsCancelledCount: 1 });
    expect(poll.json).toMatchObject({ status: "CANCELLED", unitsCancelledCount: 1 });
  });

  it("destroys the connection when a reset is injected", async () => {
    // Prepare
    const server = await start();
    server.inject({ reset: { times: 1 } });
    // Act
    const failed = call(server, "GET", ITEMS);
    // Assert
    await expect(failed).rejects.toThrow();
    expect((await call(server, "GET", ITEMS)).status).toBe(200);
  });

  it("answers 413 with a detail when the body is above maxBodyBytes", async () => {
    // Prepare
    const server = await start({ maxBodyBytes: 64 });
    // Act
    const response = await call(
      server,
      "POST",
      JOBS,
      jobBody({ videos: [{ objectUrl: URL_A }, { objectUrl: URL_B }] }),
    );
    // Assert
    expect(response.status).toBe(413);
    expect(response.json).toHaveProperty("detail");
  });
});
