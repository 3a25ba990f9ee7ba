import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
let workDir: string | undefined;

/** A copy of the infrastructure code in a temp dir, sharing the repo's `.sst` platform and node_modules. */
function copyInfrastructure(): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-sst-"));
  for (const entry of ["sst.config.ts", "tsconfig.sst.json", "stacks"])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, ".sst"), join(dir, ".sst"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

afterEach(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
});

describe("typecheck:sst", () => {
  it("fails on a misspelled argument in a stack", { timeout: 60_000 }, () => {
    // Prepare
    workDir = copyInfrastructure();
    const stack = join(workDir, "stacks/ingest.ts");
    const source = readFileSync(stack, "utf8");
    expect(source).toContain("visibilityTimeout:");
    writeFileSync(stack, source.replace("visibilityTimeout:", "visibilityTimout:"));

    // Act
    const run = spawnSync(
      process.execPath,
      [join(ROOT, "scripts/typecheck-sst.mjs"), "-p", join(workDir, "tsconfig.sst.json")],
      { encoding: "utf8" },
    );

    // Assert: the only error is the misspelling, so the check is not failing for some other reason.
    const errors = run.stdout.split("\n").filter((line) => line.includes("error TS"));
    expect(run.status).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^stacks\/ingest\.ts\(\d+,\d+\): error TS2561: .*'visibilityTimout'/);
  });
});
