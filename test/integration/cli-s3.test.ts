import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ImportFileSchema } from "../../packages/core/src/import-format";
import { runCli } from "../helpers/cli";
import { type S3rverHandle, startS3rver } from "../helpers/emulators";

const SAMPLE = resolve(import.meta.dirname, "../../examples/sample-bucket");
let s3: S3rverHandle;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const run = (...argv: string[]) => runCli(argv, { AWS_REGION: "eu-west-1" });

beforeAll(async () => {
  // The CLI uses the default credential chain; s3rver accepts any credentials.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
  s3 = await startS3rver(["ingest"]);
  for (const path of filesUnder(SAMPLE)) {
    const key = `raw/${relative(SAMPLE, path).split("\\").join("/")}`;
    await s3.client.send(new PutObjectCommand({ Bucket: "ingest", Key: key, Body: readFileSync(path) }));
  }
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await s3?.stop();
});

describe("sluice on s3:// sources", () => {
  it("scans a bucket prefix through the pipeline's S3 adapter with the bucket's own object URLs", async () => {
    const local = await run("scan", SAMPLE, "--url-base", "https://ingest.s3.eu-west-1.amazonaws.com/raw/");
    const remote = await run("scan", "s3://ingest/raw/", "--endpoint", s3.endpoint);

    expect(remote.code).toBe(0);
    const file = ImportFileSchema.parse(JSON.parse(remote.stdout));
    expect(file).toEqual(ImportFileSchema.parse(JSON.parse(local.stdout)));
    expect(file.images?.[0]?.objectUrl).toBe(
      "https://ingest.s3.eu-west-1.amazonaws.com/raw/images/front%2001.jpg",
    );
  });

  it("inspects one object with its sidecar and defaults from the bucket", async () => {
    const { code, stdout } = await run(
      "inspect",
      "s3://ingest/raw/videos/cam1/run42.mp4",
      "--endpoint",
      s3.endpoint,
    );

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      bucket: "ingest",
      key: "raw/videos/cam1/run42.mp4",
      status: "ready",
      sidecarKey: "raw/videos/cam1/run42.mp4.metadata.json",
      provenance: { site: "raw/videos/_defaults.json", project: "raw/_defaults.json" },
      mediaMetadata: { width: 64, height: 48, fps: 10 },
    });
  });
});
