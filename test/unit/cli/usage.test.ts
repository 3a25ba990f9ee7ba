import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runCli } from "../../helpers/cli";

const SAMPLE = resolve(import.meta.dirname, "../../../examples/sample-bucket");
const PACKAGE = resolve(import.meta.dirname, "../../../packages/cli/package.json");
const VERSION = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(PACKAGE, "utf8"))).version;

describe("sluice COMMAND --help", () => {
  it.each([["scan"], ["inspect"], ["start"], ["enable-eventbridge"]])(
    "prints the usage of %s on stdout and exits 0",
    async (command) => {
      const { code, stdout, stderr } = await runCli([command, "--help"]);

      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^usage: sluice ${command}`));
      expect(stderr).toBe("");
    },
  );

  it("shows that a folder needs --url-base and an s3:// prefix does not", async () => {
    const { stdout } = await runCli(["scan", SAMPLE, "-h"]);

    expect(stdout).toContain("usage: sluice scan DIR --url-base URL [options]\n");
    expect(stdout).toContain("sluice scan s3://BUCKET/PREFIX [--url-base URL] [options]\n");
  });

  it("documents inspect's exit status for an invalid record", async () => {
    const { stdout } = await runCli(["inspect", "--help"]);

    expect(stdout).toMatch(/1 it is invalid \(the record is still\s+printed\)/);
  });
});

describe("sluice --version", () => {
  it("prints the CLI's version and exits 0", async () => {
    const { code, stdout } = await runCli(["--version"]);

    expect(code).toBe(0);
    expect(stdout).toBe(`sluice ${VERSION}\n`);
  });
});

describe("sluice with an unknown option", () => {
  it("names it in one balanced line and points at the command's help", async () => {
    const { code, stderr } = await runCli(["inspect", "x.png", "--bogus"]);

    expect(code).toBe(2);
    expect(stderr).toBe("sluice: unknown option --bogus; sluice inspect --help lists the options\n");
  });
});
