import { createHash, createPrivateKey, createPublicKey, verify } from "node:crypto";
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import {
  createEncordClient,
  type EncordFetch,
  resolveEncordOrigin,
  signatureBase,
} from "../../../../packages/aws/src/encord";

const KEY = createPrivateKey({
  key: Buffer.concat([
    Buffer.from("302e020100300506032b657004220420", "hex"),
    Buffer.from(Array.from({ length: 32 }, (_, index) => index)),
  ]),
  format: "der",
  type: "pkcs8",
});
const KEY_ID = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
const NOW_MS = 1_700_000_030_500;
const FOLDER = "00000000-0000-4000-8000-000000000001";
const JOB = "00000000-0000-4000-8000-000000000002";
const JOB_STATE = {
  status: "DONE",
  itemsWithNames: [{ itemUuid: "00000000-0000-4000-8000-000000000003", name: "a.jpg" }],
  errors: [],
  unitsPendingCount: 0,
  unitsDoneCount: 1,
  unitsErrorCount: 0,
  unitsCancelledCount: 0,
  unitErrors: [],
  fileName: "imports/batch-1.json",
};

interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal | null | undefined;
}

function fakeFetch(respond: (call: Call) => Response): { fetch: EncordFetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: EncordFetch = async (url, init) => {
    const call = {
      url,
      method: init.method ?? "GET",
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? init.body : undefined,
      signal: init.signal,
    };
    calls.push(call);
    return respond(call);
  };
  return { fetch, calls };
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

// The §4.4 verifier: rebuild the base from what was sent and check it against the public key.
function verifies(method: string, target: string, headers: Headers, body: string | undefined): boolean {
  const digest = `sha-256=:${createHash("sha256")
    .update(body ?? "")
    .digest("base64")}:`;
  if (headers.get("content-digest") !== digest) return false;
  const params = (headers.get("signature-input") ?? "").replace(/^encord-sig=/, "");
  const signature = Buffer.from(
    (headers.get("signature") ?? "").replace(/^encord-sig=:(.*):$/, "$1"),
    "base64",
  );
  const base = signatureBase(method, target, digest, params);
  return verify(null, Buffer.from(base), createPublicKey(KEY), signature);
}

function client(fetch: EncordFetch) {
  return createEncordClient({ key: KEY, keyId: KEY_ID, fetch, now: () => NOW_MS, sleep: async () => {} });
}

describe("createEncordClient", () => {
  it("posts a camelCase job body with ignoreErrors and signed headers when starting an upload job", async () => {
    // Prepare
    const fake = fakeFetch(() => json(JOB));

    // Act
    const job = await client(fake.fetch).startUploadJob(FOLDER, {
      externalFiles: { images: [{ objectUrl: "s3://b/a.jpg" }], skip_duplicate_urls: true },
      integrationHash: "integration-1",
      ignoreErrors: false,
    });

    // Assert
    expect(job).toBe(JOB);
    const [call] = fake.calls;
    expect(call?.url).toBe(`https://api.encord.com/v2/public/storage/folders/${FOLDER}/data-upload-jobs`);
    expect(call?.method).toBe("POST");
    expect(JSON.parse(call?.body ?? "")).toEqual({
      externalFiles: { images: [{ objectUrl: "s3://b/a.jpg" }], skip_duplicate_urls: true },
      integrationHash: "integration-1",
      ignoreErrors: false,
    });
    expect(call?.headers.get("content-type")).toBe("application/json");
    expect(call?.headers.get("signature-input")).toContain(
      `;created=1700000000;keyid="${KEY_ID}";alg="ed25519"`,
    );
    expect(call?.headers.get("x-cloud-trace-context")).toMatch(/^[0-9a-f]{32}\/1;o=1$/);
    expect(
      verifies("POST", new URL(call?.url ?? "").pathname, call?.headers ?? new Headers(), call?.body),
    ).toBe(true);
  });

  it("sends fileName when the caller names the import file", async () => {
    // Prepare
    const fake = fakeFetch(() => json(JOB));

    // Act
    await client(fake.fetch).startUploadJob(FOLDER, {
      externalFiles: {},
      integrationHash: "i",
      ignoreErrors: true,
      fileName: "imports/batch-1.json",
    });

    // Assert
    expect(JSON.parse(fake.calls[0]?.body ?? "")).toMatchObject({
      ignoreErrors: true,
      fileName: "imports/batch-1.json",
    });
  });

  it("caps the poll at 60 seconds and times out 30 seconds later when asked to wait longer", async () => {
    // Prepare
    const fake = fakeFetch(() => json(JOB_STATE));

    // Act
    const state = await client(fake.fetch).getUploadJob(FOLDER, JOB, 604800);

    // Assert
    expect(state).toEqual(JOB_STATE);
    const [call] = fake.calls;
    expect(call?.url).toBe(
      `https://api.encord.com/v2/public/storage/folders/${FOLDER}/data-upload-jobs/${JOB}?timeoutSeconds=60`,
    );
    expect(call?.body).toBeUndefined();
    expect(call?.headers.has("content-type")).toBe(false);
    expect(call?.headers.get("content-digest")).toBe(
      "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
    );
    expect(call?.signal).toBeInstanceOf(AbortSignal);
    const url = new URL(call?.url ?? "");
    expect(verifies("GET", `${url.pathname}${url.search}`, call?.headers ?? new Headers(), undefined)).toBe(
      true,
    );
  });

  it("sends a shorter poll unchanged when the caller's budget is under 60 seconds", async () => {
    // Prepare
    const fake = fakeFetch(() => json({ ...JOB_STATE, status: "PENDING" }));

    // Act
    const state = await client(fake.fetch).getUploadJob(FOLDER, JOB, 12.7);

    // Assert
    expect(state.status).toBe("PENDING");
    expect(new URL(fake.calls[0]?.url ?? "").searchParams.get("timeoutSeconds")).toBe("12");
  });

  it("rejects the poll answer as an invalid response when its status is unknown", async () => {
    // Prepare
    const fake = fakeFetch(() => json({ ...JOB_STATE, status: "done" }));

    // Act
    const act = client(fake.fetch).getUploadJob(FOLDER, JOB, 10);

    // Assert
    await expect(act).rejects.toMatchObject({ name: "EncordApiError", code: "InvalidResponse" });
  });

  it("splits the patches into requests of 1000 when given 2500 items", async () => {
    // Prepare
    const patches = Object.fromEntries(
      Array.from({ length: 2500 }, (_, index) => [`item-${index}`, { clientMetadata: { n: index } }]),
    );
    const fake = fakeFetch((call) => {
      const body: { itemPatches: Record<string, unknown> } = JSON.parse(call.body ?? "");
      return json({ results: Object.keys(body.itemPatches).map((uuid) => ({ uuid })) });
    });

    // Act
    const results = await client(fake.fetch).patchItems(patches);

    // Assert
    expect(fake.calls.map((call) => Object.keys(JSON.parse(call.body ?? "").itemPatches).length)).toEqual([
      1000, 1000, 500,
    ]);
    expect(fake.calls[0]?.url).toBe("https://api.encord.com/v2/public/storage/items/patch-bulk");
    expect(fake.calls[0]?.method).toBe("PATCH");
    expect(JSON.parse(fake.calls[2]?.body ?? "").itemPatches["item-2499"]).toEqual({
      clientMetadata: { n: 2499 },
    });
    expect(results).toHaveLength(2500);
  });

  it("returns null when the org has no metadata schema yet", async () => {
    // Prepare
    const fake = fakeFetch(() => json(null));

    // Act
    const schema = await client(fake.fetch).getSchema();

    // Assert
    expect(schema).toBeNull();
    expect(fake.calls[0]?.url).toBe(
      "https://api.encord.com/v2/public/organisation/client-metadata-schema-v2",
    );
  });

  it("posts the whole map when replacing the metadata schema", async () => {
    // Prepare
    const map = { site: { ty: "variant", hint: "varchar" }, old: { ty: "tombstone", deleted_ty: null } };
    const fake = fakeFetch(() => new Response(null, { status: 204 }));

    // Act
    await client(fake.fetch).putSchema(map);

    // Assert
    expect(fake.calls[0]?.method).toBe("POST");
    expect(JSON.parse(fake.calls[0]?.body ?? "")).toEqual(map);
  });

  it("signs what fetch really sends when talking to a loopback server", async () => {
    // Prepare
    const seen: { method: string; url: string; headers: Headers; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === "string") headers.set(name, value);
        seen.push({
          method: req.method ?? "",
          url: req.url ?? "",
          headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.setHeader("content-type", "application/json").end(JSON.stringify(JOB_STATE));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the server has no TCP address");
    const port = address.port;
    const real = createEncordClient({
      domain: `http://127.0.0.1:${port}/ignored/prefix`,
      key: KEY,
      keyId: KEY_ID,
    });

    // Act
    try {
      await real.getUploadJob(FOLDER, JOB, 5);
      await real.patchItems({ "item-é": { clientMetadata: { note: "naïve ~ *" } } });
    } finally {
      server.close();
    }

    // Assert
    expect(seen.map((request) => request.url)).toEqual([
      `/v2/public/storage/folders/${FOLDER}/data-upload-jobs/${JOB}?timeoutSeconds=5`,
      "/v2/public/storage/items/patch-bulk",
    ]);
    for (const request of seen)
      expect(verifies(request.method, request.url, request.headers, request.body)).toBe(true);
  });
});

describe("resolveEncordOrigin", () => {
  it("maps eu, us and custom URLs to their origins when given each form", () => {
    // Act
    const origins = [undefined, "eu", "us", "https://encord.internal:8443/api/"].map(resolveEncordOrigin);

    // Assert
    expect(origins).toEqual([
      "https://api.encord.com",
      "https://api.encord.com",
      "https://api.us.encord.com",
      "https://encord.internal:8443",
    ]);
  });

  it("throws when the domain is not a URL", () => {
    // Act
    const act = () => resolveEncordOrigin("api.encord.com");

    // Assert
    expect(act).toThrow(/not eu, us or a URL/);
  });
});
