import type { Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiDeps, createApp } from "../../../packages/api/src/index";
import { TransientError } from "../../../packages/core/src/index";
import { createApiDeps } from "../../../packages/lambda/src/api-deps";
import { mediaBytes } from "../../helpers/media";
import { type PipelineHarness, startPipeline } from "../../helpers/pipeline-harness";

const TOKEN = "test-token-0123456789";
const auth = { Authorization: `Bearer ${TOKEN}` };

let h: PipelineHarness;
let deps: ApiDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  h = await startPipeline();
  deps = createApiDeps(h.deps, TOKEN);
  app = createApp(deps);
  await h.put("api/a.png", mediaBytes("image.png"));
  await h.put("api/a.png.metadata.json", '{"camera":"c1"}');
  await h.put("api/b.png", mediaBytes("image.png"));
  await h.put("api/sub/c d.png", mediaBytes("image.png"));
  await h.put("api/bad.png", mediaBytes("image.png"));
  await h.put("api/bad.png.metadata.json", "not json");
  await h.settle();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function call(path: string, init: RequestInit & { json?: unknown } = {}, target = app) {
  const { json, ...rest } = init;
  const headers = {
    ...auth,
    ...(json !== undefined ? { "Content-Type": "application/json" } : {}),
    ...rest.headers,
  };
  const res = await target.request(path, {
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}

describe("createApp: public routes and auth", () => {
  it("answers /health and /openapi.json without a token", async () => {
    const health = await app.request("/health");
    const doc = await app.request("/openapi.json");

    expect(JSON.parse(await health.text())).toEqual({ status: "ok" });
    const paths = Object.keys(JSON.parse(await doc.text()).paths);
    expect(paths).toEqual(
      expect.arrayContaining(["/health", "/records", "/records/{key}", "/records/{key}/metadata", "/schema"]),
    );
  });

  it("answers 401 when the token is missing, wrong, or of another length", async () => {
    const missing = await app.request("/records");
    const wrong = await app.request("/records", {
      headers: { Authorization: `Bearer ${"x".repeat(TOKEN.length)}` },
    });
    const short = await app.request("/records", { headers: { Authorization: "Bearer x" } });

    expect([missing.status, wrong.status, short.status]).toEqual([401, 401, 401]);
    expect(JSON.parse(await wrong.text()).error.code).toBe("unauthorized");
  });
});

describe("createApp: records", () => {
  it("lists records under a prefix, without sidecars, filtered and paged", async () => {
    const all = await call("/records?prefix=api/");
    const invalid = await call("/records?prefix=api/&status=invalid");
    const first = await call("/records?prefix=api/&limit=1");
    const second = await call(`/records?prefix=api/&limit=1&cursor=${encodeURIComponent(first.body.cursor)}`);

    expect(all.body.records.map((r: { key: string }) => r.key)).toEqual([
      "api/a.png",
      "api/b.png",
      "api/bad.png",
      "api/sub/c d.png",
    ]);
    expect(all.body.records[0].revision).toBeUndefined();
    expect(invalid.body.records.map((r: { key: string }) => r.key)).toEqual(["api/bad.png"]);
    expect(first.body.records.map((r: { key: string }) => r.key)).toEqual(["api/a.png"]);
    expect(second.body.records.length + (second.body.cursor === null ? 0 : 1)).toBeGreaterThan(0);
  });

  it("answers 400 with field details when the query is invalid", async () => {
    const res = await call("/records?limit=5000&status=nope");

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid-request");
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["limit", "status"]);
  });

  it("returns one record whether its key's slash is encoded or not, and 404 for an unknown key", async () => {
    const encoded = await call(`/records/${encodeURIComponent("api/sub/c d.png")}`);
    const plain = await call("/records/api/sub/c%20d.png");
    const unknown = await call("/records/api/none.png");

    expect(encoded.body.key).toBe("api/sub/c d.png");
    expect(plain.body.key).toBe("api/sub/c d.png");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not-found");
  });
});

describe("createApp: metadata edits", () => {
  it("merges with PATCH and replaces with PUT a layer above the sidecar, which later events keep", async () => {
    const before = await h.record("api/a.png");

    const patched = await call("/records/api/a.png/metadata", { method: "PATCH", json: { lens: "x" } });
    const overridden = await call("/records/api/a.png/metadata", { method: "PATCH", json: { camera: "c9" } });
    const replaced = await call("/records/api/a.png/metadata", { method: "PUT", json: { lens: "y" } });
    await h.put("api/a.png.metadata.json", '{"camera":"c2"}');
    await h.settle();
    const after = await h.record("api/a.png");

    expect(patched.body.clientMetadata).toEqual({ camera: "c1", lens: "x" });
    expect(patched.body.provenance).toEqual({ camera: "api/a.png.metadata.json", lens: "api" });
    expect(overridden.body.clientMetadata).toEqual({ camera: "c9", lens: "x" });
    expect(replaced.body.apiLayer).toEqual({ lens: "y" });
    expect(replaced.body.clientMetadata).toEqual({ camera: "c1", lens: "y" });
    expect(after?.clientMetadata).toEqual({ camera: "c2", lens: "y" });
    expect(after?.revision).toBeGreaterThan((before?.revision ?? 0) + 3);
  });

  it("answers 400 for a body that is not an object or not JSON, 404 for an unknown key", async () => {
    const array = await call("/records/api/b.png/metadata", { method: "PATCH", json: [1, 2] });
    const missing = await call("/records/api/b.png/metadata", { method: "PUT" });
    const unknown = await call("/records/api/none.png/metadata", { method: "PUT", json: { a: 1 } });

    expect(array.status).toBe(400);
    expect(array.body.error.code).toBe("invalid-request");
    expect(missing.status).toBe(400);
    expect(unknown.status).toBe(404);
  });
});

describe("createApp: metadata edits within the sidecar limits (issue 14)", () => {
  const send = async (method: "PATCH" | "PUT", body: string) => {
    const res = await app.request("/records/api/sub/c%20d.png/metadata", {
      method,
      headers: { ...auth, "Content-Type": "application/json" },
      body,
    });
    return { status: res.status, body: JSON.parse(await res.text()) };
  };

  it("answers 400 with the sidecar's code and message for a layer too deep, too large a number or too many values", async () => {
    const before = await h.record("api/sub/c d.png");

    const deep = await send("PATCH", `{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    const infinite = await send("PUT", '{"score":1e400}');
    const complex = await send("PATCH", `{"a":[${new Array<string>(600_000).fill("[0]").join(",")}]}`);
    const after = await h.record("api/sub/c d.png");

    expect(deep.status).toBe(400);
    expect(deep.body.error).toMatchObject({
      code: "sidecar-invalid",
      message: expect.stringContaining("deeper than 64 levels"),
    });
    expect(infinite.status).toBe(400);
    expect(infinite.body.error).toMatchObject({
      code: "sidecar-invalid",
      message: "The metadata layer has a number too large for a 64-bit float at score",
    });
    expect(complex.status).toBe(400);
    expect(complex.body.error).toMatchObject({
      code: "sidecar-too-complex",
      message: expect.stringContaining("holds more than 1,000,000 JSON values"),
    });
    expect(after?.revision).toBe(before?.revision);
    expect(after?.status).toBe("ready");
  });

  it("answers 400 sidecar-too-complex for a layer of more than 10,000 top-level keys", async () => {
    const keys = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));

    const res = await send("PATCH", JSON.stringify(keys));

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("sidecar-too-complex");
    expect(res.body.error.message).toContain("more than 10,000 top-level keys");
  });

  it("answers 400 sidecar-too-large when a merge would grow the layer past 10 MB", async () => {
    const first = await send("PATCH", JSON.stringify({ pad1: "x".repeat(6_000_000) }));
    const second = await send("PATCH", JSON.stringify({ pad2: "y".repeat(6_000_000) }));
    const cleared = await send("PUT", "{}");

    expect(first.status).toBe(200);
    expect(second.status).toBe(400);
    expect(second.body.error.code).toBe("sidecar-too-large");
    expect(second.body.error.message).toMatch(
      /^The metadata layer is 12000\d{3} bytes as JSON; the limit is 10000000/,
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body.clientMetadata).toEqual({});
  }, 30_000);
});

describe("createApp: schema", () => {
  it("rejects an invalid schema with field details, replaces it with a valid one, and checks edits against it", async () => {
    const bad = await call("/schema", { method: "PUT", json: { night: { ty: "nope" } } });
    const put = await call("/schema", { method: "PUT", json: { night: { ty: "variant", hint: "boolean" } } });
    const got = await call("/schema");
    const edit = await call("/records/api/b.png/metadata", { method: "PATCH", json: { night: "yes" } });

    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe("night.ty");
    expect(put.status).toBe(200);
    expect(got.body).toEqual({ night: { ty: "variant", hint: "boolean" } });
    expect(edit.status).toBe(400);
    expect(edit.body.error.details[0].path).toBe("night");
  });

  it("infers a schema from the metadata seen so far", async () => {
    // Its own record with `lens`, rather than the metadata edits of the tests before it.
    await h.put("inferred/a.png", mediaBytes("image.png"));
    await h.put("inferred/a.png.metadata.json", '{"lens":"l1"}');
    await h.settle();

    const res = await call("/schema/inferred");

    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(["camera", "lens"]));
  });
});

describe("createApp: imports", () => {
  it("writes an ad-hoc import without changing export state, lists it and returns it by id", async () => {
    const before = (await h.record("api/b.png"))?.export;

    const created = await call("/imports", { method: "POST", json: { prefix: "api/sub/" } });
    const [file] = created.body.files;
    const listed = await call("/imports?limit=1000");
    const got = await call(`/imports/${file.id}`);
    const unknown = await call("/imports/adhoc/01JZ0000000000000000000000");

    expect(created.status).toBe(201);
    expect(file).toMatchObject({ key: `imports/${file.id}.json`, entries: 1 });
    expect(file.id).toMatch(/^adhoc\/[0-9A-Z]{26}$/);
    expect(file.import.images.map((e: { title: string }) => e.title)).toEqual(["api/sub/c d.png"]);
    expect(listed.body.imports).toContainEqual(
      expect.objectContaining({ id: file.id, key: file.key, origin: "adhoc" }),
    );
    expect(got.body).toEqual(file.import);
    expect(unknown.status).toBe(404);
    expect((await h.record("api/b.png"))?.export).toEqual(before);
  });

  it("takes every matching record when the body is left out", async () => {
    const res = await call("/imports", { method: "POST" });

    expect(res.status).toBe(201);
    expect(res.body.files[0].entries).toBeGreaterThanOrEqual(3);
  });

  it("answers 400 when since is not an ISO time", async () => {
    const res = await call("/imports", { method: "POST", json: { since: "yesterday" } });

    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("since");
  });
});

describe("createApp: limits and errors", () => {
  it("answers a body above the limit with a presigned URL of the same JSON", async () => {
    const tiny = createApp({ ...deps, maxResponseBytes: 300 });
    // Room for the answer's envelope and a URL, not for the import file itself.
    const small = createApp({ ...deps, maxResponseBytes: 1100 });

    const listed = await call("/records?prefix=api/", {}, tiny);
    const created = await call("/imports", { method: "POST", json: { prefix: "api/sub/" } }, small);
    const fetched = await fetch(listed.body.url);
    const full = await call("/records?prefix=api/");

    expect(Object.keys(listed.body)).toEqual(["url"]);
    expect(JSON.parse(await fetched.text())).toEqual(full.body);
    expect(created.body.files[0].import).toBeUndefined();
    expect(created.body.files[0].url).toContain(created.body.files[0].key);
  });

  it("answers 413 for a request body above 10 MB", async () => {
    const res = await app.request("/schema", {
      method: "PUT",
      headers: { ...auth, "Content-Type": "application/json" },
      body: `{"a":"${"x".repeat(10_000_001)}"}`,
    });

    expect(res.status).toBe(413);
    expect(JSON.parse(await res.text()).error.code).toBe("payload-too-large");
  });

  it("maps a transient error to 503 with Retry-After and anything else to a logged 500 without its stack", async () => {
    const logged: Record<string, unknown>[] = [];
    const failing = (error: Error) =>
      createApp({
        ...deps,
        logError: (_message, details) => logged.push(details),
        pipeline: {
          ...h.deps.pipeline,
          records: { ...h.deps.pipeline.records, get: async () => Promise.reject(error) },
        },
      });

    const busy = await call("/records/api/a.png", {}, failing(new TransientError("throttled")));
    const broken = await call("/records/api/a.png", {}, failing(new Error("boom")));

    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(broken.status).toBe(500);
    expect(broken.body).toEqual({ error: { code: "internal", message: "internal error" } });
    expect(logged).toEqual([{ name: "Error", message: "boom", path: "/records/api/a.png" }]);
  });
});

describe("handle(createApp)", () => {
  it("answers a Lambda Function URL event", async () => {
    const lambda = handle(app);
    const event: Parameters<typeof lambda>[0] = {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/records/api%2Fb.png",
      rawQueryString: "",
      body: null,
      headers: { authorization: `Bearer ${TOKEN}`, host: "abc.lambda-url.eu-west-1.on.aws" },
      isBase64Encoded: false,
      requestContext: {
        accountId: "anonymous",
        apiId: "abc",
        domainName: "abc.lambda-url.eu-west-1.on.aws",
        domainPrefix: "abc",
        http: {
          method: "GET",
          path: "/records/api%2Fb.png",
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "test",
        },
        requestId: "r1",
        routeKey: "$default",
        stage: "$default",
        time: "24/Nov/2026:00:00:00 +0000",
        timeEpoch: 0,
        // A Function URL with auth `none` carries no caller; Hono's event type wants both fields present.
        authentication: null,
        authorizer: {},
      },
    };

    const out = await lambda(event, {} as Context);

    expect(out.statusCode).toBe(200);
    expect(JSON.parse(out.body).key).toBe("api/b.png");
  });
});
