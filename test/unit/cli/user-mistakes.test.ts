import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../helpers/cli";

const SAMPLE = resolve(import.meta.dirname, "../../../examples/sample-bucket");
const URL_BASE = "https://example-bucket.s3.eu-west-1.amazonaws.com/";

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** One line on stderr, exit 2, nothing on stdout, no stack and no "unexpected error". */
function expectOneLineMistake(result: { code: number; stdout: string; stderr: string }, message: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^sluice: [^\n]*\n$/);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toContain("unexpected error");
}

describe("sluice given a user's mistake", () => {
  it("says which settings give AWS credentials when there are none", async () => {
    // Prepare: no credentials anywhere in the default chain.
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"])
      vi.stubEnv(name, undefined);
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/config");
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    const port = await closedPort();

    const result = await runCli(["scan", "s3://data/", "--endpoint", `http://127.0.0.1:${port}`]);

    expectOneLineMistake(
      result,
      /no AWS credentials found: set AWS_PROFILE .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
  });

  it("names the address when the connection is refused", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
    const port = await closedPort();

    const scan = await runCli(["scan", "s3://data/", "--endpoint", `http://127.0.0.1:${port}`]);
    const inspect = await runCli(["inspect", "s3://data/a.png", "--endpoint", `http://127.0.0.1:${port}`]);

    expectOneLineMistake(
      scan,
      new RegExp(`cannot connect to S3 at 127\\.0\\.0\\.1:${port}: connection refused`),
    );
    expectOneLineMistake(inspect, /connection refused/);
  });

  it("refuses an --out file whose folder does not exist before it scans", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-out-"));
    try {
      const out = join(dir, "missing", "imports.json");

      const result = await runCli(["scan", SAMPLE, "--url-base", URL_BASE, "--out", out]);

      expectOneLineMistake(result, /--out .*imports\.json: the folder .*missing does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
