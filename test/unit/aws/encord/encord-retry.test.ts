import { createPrivateKey } from "node:crypto";
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { createEncordClient, EncordApiError, type EncordFetch } from "../../../../packages/aws/src/encord";

const KEY = createPrivateKey({
  key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.alloc(32, 9)]),
  format: "der",
  type: "pkcs8",
});
const KEY_ID = "ab".repeat(32);
const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const FOLDER = "00000000-0000-4000-8000-000000000001";
const JOB = "00000000-0000-4000-8000-000000000002";
const JOB_INPUT = { externalFiles: {}, integrationHash: "i", ignoreErrors: true };

type Step = Response | Error;

// Answers each call with the next step (the last one repeats) and records the sleeps asked for.
function harness(steps: (() => Step)[]) {
  const calls: { url: string; signatureInput: string | null }[] = [];
  const sleeps: number[] = [];
  let clock = NOW_MS;
  const fetch: EncordFetch = async (url, init) => {
    calls.push({ url, signatureInput: new Headers(init.headers).get("signature-input") });
    const step = (steps[calls.length - 1] ?? steps[steps.length - 1])?.();
    if (step === undefined) throw new Error("no step");
    if (step instanceof Error) throw step;
    return step;
  };
  const client = createEncordClient({
    key: KEY,
    keyId: KEY_ID,
    fetch,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  return { client, calls, sleeps };
}

function status(
  code: number,
  body: unknown = { message: `status ${code}` },
  headers: Record<string, string> = {},
) {
  return () => new Response(JSON.stringify(body), { status: code, headers });
}

function ok(body: unknown) {
  return () => new Response(JSON.stringify(body), { status: 200 });
}

function connectError(code: string) {
  return () => new TypeError("fetch failed", { cause: Object.assign(new Error("socket"), { code }) });
}

async function rejection(promise: Promise<unknown>): Promise<EncordApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EncordApiError) return error;
    throw error;
  }
  throw new Error("the call succeeded");
}

describe("createEncordClient", () => {
  it("retries once after the given seconds when a 429 carries Retry-After", async () => {
    // Prepare
    const { client, calls, sleeps } = harness([status(429, {}, { "Retry-After": "7" }), ok(null)]);

    // Act
    const schema = await client.getSchema();

    // Assert
    expect(schema).toBeNull();
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([7000]);
    // Re-signed per attempt: the second signature carries the clock after the wait.
    expect(calls[1]?.signatureInput).toContain(`created=${NOW_MS / 1000 + 7 - 30};`);
  });

  it("waits until the date when Retry-After is an HTTP date", async () => {
    // Prepare
    const retryAt = new Date(NOW_MS + 5000).toUTCString();
    const { client, sleeps } = harness([status(503, {}, { "Retry-After": retryAt }), ok({ results: [] })]);

    // Act
    await client.patchItems({ a: { clientMetadata: {} } });

    // Assert
    expect(sleeps).toEqual([5000]);
  });

  it("gives up after three retries with 0, 3 and 6 second waits when 503 persists", async () => {
    // Prepare
    const { client, calls, sleeps } = harness([status(503, { detail: "maintenance" })]);

    // Act
    const error = await rejection(client.getUploadJob(FOLDER, JOB, 30));

    // Assert
    expect(calls).toHaveLength(4);
    expect(sleeps).toEqual([0, 3000, 6000]);
    expect(error).toMatchObject({ status: 503, code: "Unknown", retryable: true });
    expect(error.message).toContain("maintenance");
  });

  it("retries connection errors when the request is idempotent", async () => {
    // Prepare
    const { client, calls } = harness([connectError("ECONNRESET"), ok({ results: [{ uuid: "a" }] })]);

    // Act
    const results = await client.patchItems({ a: { clientMetadata: { x: 1 } } });

    // Assert
    expect(calls).toHaveLength(2);
    expect(results).toEqual([{ uuid: "a" }]);
  });

  it.each([
    [503, {}],
    [429, { "Retry-After": "1" }],
    [500, {}],
  ])("does not re-send the job POST when it answers %i", async (code, headers) => {
    // Prepare
    const { client, calls, sleeps } = harness([status(code, { message: "busy" }, headers), ok(JOB)]);

    // Act
    const error = await rejection(client.startUploadJob(FOLDER, JOB_INPUT));

    // Assert
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(error.status).toBe(code);
  });

  it("does not re-send the job POST when the connection drops after it was sent", async () => {
    // Prepare
    const { client, calls } = harness([connectError("ECONNRESET"), ok(JOB)]);

    // Act
    const error = await rejection(client.startUploadJob(FOLDER, JOB_INPUT));

    // Assert
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ status: 0, code: "ConnectionFailed" });
  });

  it("re-sends the job POST when the connection was refused before any byte was sent", async () => {
    // Prepare
    const { client, calls } = harness([connectError("ECONNREFUSED"), ok(JOB)]);

    // Act
    const job = await client.startUploadJob(FOLDER, JOB_INPUT);

    // Assert
    expect(job).toBe(JOB);
    expect(calls).toHaveLength(2);
  });

  it("recognises undici's refused connection as connect-phase when the port is closed", async () => {
    // Prepare
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the server has no TCP address");
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const sleeps: number[] = [];
    const client = createEncordClient({
      domain: `http://127.0.0.1:${address.port}`,
      key: KEY,
      keyId: KEY_ID,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    // Act
    const error = await rejection(client.startUploadJob(FOLDER, JOB_INPUT));

    // Assert
    expect(sleeps).toEqual([0, 3000, 6000]);
    expect(error).toMatchObject({ code: "ConnectionFailed" });
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("does not retry a 413 when one patch alone is too large", async () => {
    // Prepare
    const { client, calls } = harness([status(413, { detail: "Request too large" })]);

    // Act
    const error = await rejection(client.patchItems({ a: { clientMetadata: { big: "x" } } }));

    // Assert
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ status: 413, code: "PayloadTooLarge", retryable: false });
    expect(error.message).toContain("Request too large");
  });

  it("does not retry a 413 on the schema POST", async () => {
    // Prepare
    const { client, calls } = harness([status(413), ok(null)]);

    // Act
    const error = await rejection(client.putSchema({ k: { ty: "text" } }));

    // Assert
    expect(calls).toHaveLength(1);
    expect(error.code).toBe("PayloadTooLarge");
  });

  it("halves the batch when patch-bulk answers 413", async () => {
    // Prepare
    const { client, calls } = harness([
      status(413),
      ok({ results: [{ uuid: "a" }] }),
      ok({ results: [{ uuid: "b" }] }),
    ]);

    // Act
    const results = await client.patchItems({ a: { clientMetadata: {} }, b: { clientMetadata: {} } });

    // Assert
    expect(calls).toHaveLength(3);
    expect(results.map((item) => item.uuid)).toEqual(["a", "b"]);
  });

  it.each([
    [400, "InvalidArguments", "bad spec"],
    [401, "Authentication", "bad signature"],
    [403, "Authorisation", "no access"],
    [404, "ResourceNotFound", "not found"],
    [422, "Unknown", "bad spec"],
  ])("maps %i to %s without retrying", async (code, expected, text) => {
    // Prepare
    const { client, calls } = harness([status(code, { detail: text })]);

    // Act
    const error = await rejection(client.getSchema());

    // Assert
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ status: code, code: expected });
    expect(error.message).toContain(text);
  });

  it("reports Retry-After on the error instead of sleeping when it exceeds a minute", async () => {
    // Prepare
    const { client, calls, sleeps } = harness([status(429, {}, { "Retry-After": "600" })]);

    // Act
    const error = await rejection(client.getSchema());

    // Assert
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(error).toMatchObject({ code: "RateLimitExceeded", retryAfterSeconds: 600 });
  });
});
