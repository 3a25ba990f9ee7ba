import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../packages/api/src/index";
import { startFakeEncord } from "../../../packages/cli/src/fake-encord/index";
import { createApiDeps } from "../../../packages/lambda/src/api-deps";
import { callApi } from "../../helpers/api-request";
import { type PipelineHarness, startPipeline } from "../../helpers/pipeline-harness";

const TOKEN = "test-token-0123456789";
const FOLDER = "00000000-0000-4000-8000-0000000000f1";
const INTEGRATION = "00000000-0000-4000-8000-0000000000a1";
const varchar = { ty: "variant", hint: "varchar" } as const;
const number = { ty: "variant", hint: "number" } as const;

let h: PipelineHarness;
let fake: Awaited<ReturnType<typeof startFakeEncord>>;
let dir: string;
let app: ReturnType<typeof createApp>;

/** An `ssh-ed25519` public line for a raw 32-byte key, as Encord registers keys. */
function sshLine(raw: Buffer): string {
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]).toString("base64")}`;
}

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  dir = await mkdtemp(join(tmpdir(), "sluice-schema-sync-"));
  const keyFile = join(dir, "encord.pem");
  await writeFile(keyFile, privateKey.export({ format: "pem", type: "pkcs8" }));
  fake = await startFakeEncord({ keys: [sshLine(raw)], integrations: [INTEGRATION], folders: [FOLDER] });
  h = await startPipeline({
    ENCORD_DOMAIN: fake.url,
    ENCORD_FOLDER: FOLDER,
    ENCORD_INTEGRATION: INTEGRATION,
    ENCORD_SSH_KEY_FILE: keyFile,
  });
  app = createApp(createApiDeps(h.deps, TOKEN));
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await fake?.stop();
  await rm(dir, { recursive: true, force: true });
});

const call = (path: string, init: { method?: string; json?: unknown } = {}, target = app) =>
  callApi(target, TOKEN, path, init);

describe("PUT /schema?push=true", () => {
  it("shows the diff and writes nothing anywhere when dryRun=true", async () => {
    fake.state.schema = { site: number, old: { ty: "tombstone", deleted_ty: null } };
    await h.deps.schemaStore.put({ site: number });

    const res = await call("/schema?push=true&dryRun=true", { method: "PUT", json: { camera: varchar } });

    expect(res).toEqual({
      status: 200,
      body: {
        schema: { camera: varchar },
        diff: { added: ["camera"], changed: [], removed: ["site"], unchanged: 1 },
        pushed: false,
      },
    });
    expect(fake.state.schema).toEqual({ site: number, old: { ty: "tombstone", deleted_ty: null } });
    expect(await h.deps.schemaStore.get()).toEqual({ site: number });
  });

  it("writes both schemas and tombstones a removed key, snake_case as sent, when pushed", async () => {
    fake.state.schema = { site: number, tag: { ty: "enum", values: ["a"] } };
    const next = { camera: { ty: "varchar", max_length: 64 }, tag: { ty: "enum", values: ["a", "b"] } };

    const res = await call("/schema?push=true", { method: "PUT", json: next });
    const read = await call("/schema?source=encord");

    expect(res.status).toBe(200);
    expect(res.body.pushed).toBe(true);
    expect(res.body.diff).toEqual({
      added: ["camera"],
      changed: [{ key: "tag", from: { ty: "enum", values: ["a"] }, to: next.tag }],
      removed: ["site"],
      unchanged: 0,
    });
    expect(read).toEqual({
      status: 200,
      body: { ...next, site: { ty: "tombstone", deleted_ty: number } },
    });
    expect(fake.state.schema).toEqual(read.body);
    expect(await h.deps.schemaStore.get()).toEqual(next);
  });

  it("refuses a retype Encord forbids with 400 naming the key, and writes nothing, when a live key changes kind", async () => {
    fake.state.schema = { site: number, camera: varchar };
    await h.deps.schemaStore.put({ site: number });

    const res = await call("/schema?push=true", {
      method: "PUT",
      json: { site: { ty: "enum", values: ["x"] }, camera: number },
    });

    expect(res.status).toBe(400);
    expect(res.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(["site"]);
    expect(fake.state.schema).toEqual({ site: number, camera: varchar });
    expect(await h.deps.schemaStore.get()).toEqual({ site: number });
  });

  it("keeps today's replace when push is absent, leaving Encord untouched", async () => {
    fake.state.schema = { site: number };

    const res = await call("/schema", { method: "PUT", json: { camera: varchar } });

    expect(res).toEqual({ status: 200, body: { camera: varchar } });
    expect(fake.state.schema).toEqual({ site: number });
  });
});

describe("GET /schema?source=encord", () => {
  it("answers Encord's map, or {} when Encord has none", async () => {
    fake.state.schema = { site: number };
    const some = await call("/schema?source=encord");
    fake.state.schema = null;

    const none = await call("/schema?source=encord");

    expect(some).toEqual({ status: 200, body: { site: number } });
    expect(none).toEqual({ status: 200, body: {} });
  });
});

describe("schema sync while delivery is off", () => {
  it("answers 409 delivery-off naming the settings, and writes nothing, when Encord is asked for", async () => {
    const off = createApp(createApiDeps({ ...h.deps, config: { ...h.deps.config, encord: null } }, TOKEN));
    await h.deps.schemaStore.put({ site: number });

    const read = await call("/schema?source=encord", {}, off);
    const push = await call("/schema?push=true", { method: "PUT", json: { camera: varchar } }, off);

    for (const res of [read, push]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("delivery-off");
      expect(res.body.error.message).toContain("ENCORD_INTEGRATION");
    }
    expect(await h.deps.schemaStore.get()).toEqual({ site: number });
  });
});
