import { afterEach, describe, expect, it, vi } from "vitest";

const FOLDER = "00000000-0000-4000-8000-00000000000f";
const INTEGRATION = "00000000-0000-4000-8000-0000000000aa";

/** A delivery stage's environment as the exporter should get it: the folders and the integration, no key. */
function stubExporterEnvironment() {
  vi.stubEnv("DATA_BUCKET", "ingest");
  vi.stubEnv("EXPORTS_BUCKET", "sluice-exports");
  vi.stubEnv("TABLE_NAME", "records");
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("ENCORD_FOLDER", FOLDER);
  vi.stubEnv("ENCORD_FOLDERS", "cams/=00000000-0000-4000-8000-0000000000c1");
  vi.stubEnv("ENCORD_INTEGRATION", INTEGRATION);
  vi.stubEnv("ENCORD_SSH_KEY", "");
  vi.stubEnv("ENCORD_SSH_KEY_FILE", "");
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.doUnmock("../../../packages/lambda/src/deps");
  vi.resetModules();
});

describe("deps", () => {
  it("configures a function that never calls Encord with delivery's folders and without the key", async () => {
    stubExporterEnvironment();
    const { deps } = await import("../../../packages/lambda/src/deps");

    const d = deps({ encordKey: "unused" });

    expect(d.config.encord).toMatchObject({ folder: FOLDER, integration: INTEGRATION, key: null });
    expect(d.pipeline.settings.delivery?.routes).toEqual([
      { prefix: "cams/", folder: "00000000-0000-4000-8000-0000000000c1" },
    ]);
    expect(d.pipeline.deliveries).toBeDefined();
    expect(d.encord).toBeNull();
  });

  it("still refuses a function that delivers without the key", async () => {
    stubExporterEnvironment();
    const { deps } = await import("../../../packages/lambda/src/deps");

    expect(() => deps()).toThrow(/ENCORD_SSH_KEY_FILE: is required/);
  });
});

describe("handler (functions/export.ts)", () => {
  it("builds the exporter's deps without the Encord key", async () => {
    const asked: unknown[] = [];
    vi.doMock("../../../packages/lambda/src/deps", () => ({
      deps: (options: unknown) => {
        asked.push(options);
        throw new Error("deps asked for");
      },
    }));
    const { handler } = await import("../../../functions/export");

    // The handler builds its deps on its first call, before it answers a promise.
    const run = (async () => handler({}, { awsRequestId: "r" } as never))();

    await expect(run).rejects.toThrow("deps asked for");
    expect(asked).toEqual([{ encordKey: "unused" }]);
  });
});
