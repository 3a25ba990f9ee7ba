import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ImportFileSchema } from "../../packages/core/src/imports/format";
import { runCli } from "../helpers/cli";
import { type S3rverHandle, startS3rver } from "../helpers/emulators";
import { type StallingServer, startStallingServer } from "../helpers/stalling-server";

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

describe("sluice on an S3 endpoint that misbehaves", () => {
  it.each([[["scan", "s3://missing-bucket/raw/"]], [["inspect", "s3://missing-bucket/raw/a.png"]]])(
    "says the bucket does not exist in one line with exit 2 for %j",
    async (argv) => {
      const { code, stdout, stderr } = await run(...argv, "--endpoint", s3.endpoint);

      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(
        /^sluice: ListObjectsV2 s3:\/\/missing-bucket\/raw\/[^\n]*: the bucket missing-bucket does not exist\n$/,
      );
    },
  );

  it("says an object that does not exist does not exist, with exit 2", async () => {
    const { code, stderr } = await run("inspect", "s3://ingest/raw/nope.png", "--endpoint", s3.endpoint);

    expect(code).toBe(2);
    expect(stderr).toBe("sluice: s3://ingest/raw/nope.png does not exist\n");
  });

  describe("a server that announces a body and never sends it", () => {
    let stuck: StallingServer;
    beforeAll(async () => {
      // Lists one object, then answers its GET with headers (Content-Length: 1000) and no body.
      stuck = await startStallingServer((request) =>
        request.url?.includes("list-type=2")
          ? { body: LISTING, headers: { "Content-Type": "application/xml" } }
          : "headers-only",
      );
    });
    afterAll(async () => {
      await stuck?.stop();
    });

    it("ends the scan with one retryable error naming the object instead of waiting for ever", async () => {
      const started = Date.now();

      const { code, stdout, stderr } = await run(
        "scan",
        "s3://stuck/",
        "--endpoint",
        stuck.endpoint,
        "--timeout",
        "0.5",
      );

      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toMatch(
        /^sluice: transient S3 failure: GetObject s3:\/\/stuck\/frame\.png: TimeoutError: .*; this may pass on retry: run it again, or allow more time with --timeout SECONDS\n$/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it("ends an inspect the same way", async () => {
      const { code, stderr } = await run(
        "inspect",
        "s3://stuck/frame.png",
        "--endpoint",
        stuck.endpoint,
        "--timeout",
        "0.5",
      );

      expect(code).toBe(1);
      expect(stderr).toMatch(/^sluice: transient S3 failure: .*TimeoutError.*this may pass on retry/);
    });
  });
});

const LISTING = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>stuck</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>frame.png</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>1000</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>`;
