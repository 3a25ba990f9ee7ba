import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { descendants, killLeftovers, launchAsUser, ROOT, userEnv, within } from "../helpers/user-launch";

// The README's quick start as a reader pastes it on a fresh clone: its command blocks, in order, in one
// shell at the repository's root, against the stack that `npm start` started. Two things differ: `npm ci`
// is not run again (this checkout's node_modules is the one it made), and the stack listens on free ports,
// which take the place of 3000 and 4569 in the commands (and reach examples/upload.mjs as S3_PORT), so that
// the test never talks to someone else's stack. The shell's folder stands in for the repository's root: it
// holds examples/ and node_modules/ of this checkout and the stack's .data/.
const run = promisify(execFile);
const QUICK_START = section(readFileSync(join(ROOT, "README.md"), "utf8"), "Quick start");

let root: string;
const leftovers: number[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "sluice-readme-"));
  await symlink(join(ROOT, "examples"), join(root, "examples"));
  await symlink(join(ROOT, "node_modules"), join(root, "node_modules"));
});

afterEach(async () => {
  killLeftovers(leftovers.splice(0));
  await rm(root, { recursive: true, force: true });
});

/** The text under `## heading`, up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}"`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of `markdown` in order, with their language. */
function fencedBlocks(markdown: string): { language: string; body: string }[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
    language: match[1] ?? "",
    body: match[2] ?? "",
  }));
}

describe("README.md quick start", () => {
  it("shows examples/upload.mjs as it is in the repository", () => {
    // Act
    const shown = fencedBlocks(QUICK_START).filter((block) => block.language === "js");

    // Assert
    expect(shown.map((block) => block.body)).toEqual([
      readFileSync(join(ROOT, "examples/upload.mjs"), "utf8"),
    ]);
  });

  it("runs every command block in order against the stack that npm start started", async () => {
    // Prepare
    const blocks = fencedBlocks(QUICK_START);
    const [start, ...commands] = blocks
      .filter((block) => block.language === "bash")
      .map((block) => block.body);
    expect(start).toBe("npm ci\nnpm start\n");
    const launch = launchAsUser("npm", {
      DATA_DIR: join(root, ".data"),
      PORT: "0",
      S3_PORT: "0",
      DYNAMODB_PORT: "0",
    });
    leftovers.push(launch.pid);
    const ready = await launch.ready;
    leftovers.push(...descendants(launch.pid));
    const apiPort = new URL(ready.api).port;
    const s3Port = new URL(ready.s3).port;
    const script = commands
      .join("\n")
      .replaceAll("127.0.0.1:3000", `127.0.0.1:${apiPort}`)
      .replaceAll("127.0.0.1:4569", `127.0.0.1:${s3Port}`);

    // Act
    const result = await run("bash", ["-e", "-o", "pipefail", "-c", script], {
      cwd: root,
      // npx finds sluice in node_modules; offline, it could never fetch a package of that name instead.
      env: { ...userEnv(), S3_PORT: s3Port, npm_config_offline: "true", npm_config_update_notifier: "false" },
      timeout: 30_000,
    }).catch((error: unknown) => ({ error, stdout: "", stderr: "" }));
    process.kill(launch.pid, "SIGINT");
    const code = await within(launch.exited, 15_000, "still running");

    // Assert
    expect(result).not.toHaveProperty("error");
    const shownReadyLine = blocks.find((block) => block.body.startsWith("sluice ready"))?.body;
    expect(shownReadyLine).toBe(
      `${ready.line.replace(`:${apiPort}`, ":3000").replace(`:${s3Port}`, ":4569").replace(ready.token, "TOKEN")}\n`,
    );
    expect(result.stdout).toContain('"key":"cams/run42.mp4","objectUrl"');
    expect(result.stdout).toMatch(/"dataType":"video","status":"ready"/);
    expect(result.stdout).toContain('"clientMetadata":{"camera":"cam1","site":"plant-7"}');
    expect(result.stdout).toMatch(/\{"imports":\[\{"id":"[0-9A-Z]{26}"/);
    expect(result.stdout).toContain(
      '"objectUrl": "https://example-bucket.s3.eu-west-1.amazonaws.com/videos/cam1/run42.mp4"',
    );
    expect(code).toBe(0);
  }, 60_000);
});
