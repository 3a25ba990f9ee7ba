import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { zodEnglishOnly } from "../../../stacks/esbuild-plugins.mjs";
import { FUNCTION_NODEJS_BUILD } from "../../../stacks/function-build";
import { PROJECT_ROOT } from "../../helpers/sst-synth/build-function";

// What a bundle keeps of zod's namespace, and the messages of a few failing parses.
const PROBE = `
import { z } from "zod";
const schema = z.object({ name: z.string().min(3), size: z.number().int().positive(), kind: z.enum(["a", "b"]) });
export const locales = Object.keys(z.locales);
export const issues = (input) => schema.safeParse(input).error?.issues.map((issue) => issue.message);
`;
const INPUTS = [{}, { name: "ab", size: -1.5, kind: "c" }, { name: 3, size: "x", kind: null }];

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sluice-esbuild-plugins-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Bundles PROBE as a function's bundle is bundled (ESM for Node, minified), then imports it. */
async function bundleProbe(plugins: (typeof zodEnglishOnly)[]) {
  const file = join(work, `probe-${plugins.length}.mjs`);
  const result = await build({
    stdin: { contents: PROBE, resolveDir: PROJECT_ROOT, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "node",
    minify: true,
    write: false,
    plugins,
    logLevel: "silent",
  });
  const text = result.outputFiles[0]?.text ?? "";
  await writeFile(file, text);
  const mod: { locales: string[]; issues: (input: unknown) => string[] | undefined } = await import(
    pathToFileURL(file).href
  );
  return { bytes: text.length, ...mod };
}

describe("zodEnglishOnly", () => {
  it("keeps English alone of zod's locales when a bundle imports the z namespace", async () => {
    const lean = await bundleProbe([zodEnglishOnly]);
    const full = await bundleProbe([]);

    expect(full.locales.length).toBeGreaterThan(60);
    expect(lean.locales).toEqual(["en"]);
    expect(full.bytes - lean.bytes).toBeGreaterThan(200_000);
  });

  it("leaves every error message as zod gives it when the locales are dropped", async () => {
    const lean = await bundleProbe([zodEnglishOnly]);
    const schema = z.object({
      name: z.string().min(3),
      size: z.number().int().positive(),
      kind: z.enum(["a", "b"]),
    });

    for (const input of INPUTS)
      expect(lean.issues(input)).toEqual(schema.safeParse(input).error?.issues.map((issue) => issue.message));
    expect(lean.issues({})?.[0]).toBe("Invalid input: expected string, received undefined");
  });

  it("replaces the locales through SST's plugin bridge, which tests filters against no path", async () => {
    const bridge = join(PROJECT_ROOT, ".sst/platform/functions/nodejs-runtime/plugin.mjs");
    expect(existsSync(bridge), "run `npm run sst:install` for .sst/platform").toBe(true);
    const locales = join(PROJECT_ROOT, "node_modules/zod/v4/locales/index.js");
    const other = join(PROJECT_ROOT, "node_modules/zod/v4/locales/en.js");

    const replies = await askBridge(bridge, join(PROJECT_ROOT, FUNCTION_NODEJS_BUILD.plugins), [
      { id: 0, command: "load", value: { path: locales, namespace: "file", suffix: "", with: {} } },
      { id: 1, command: "load", value: { path: other, namespace: "file", suffix: "", with: {} } },
    ]);

    expect(replies.get(0)).toMatchObject({ loader: "js", contents: expect.stringContaining("as en") });
    expect(replies.get(1)).toEqual({});
  });
});

/** Sends SST's CLI messages (one JSON line each) to its Node plugin bridge and collects the replies by id. */
function askBridge(
  bridge: string,
  plugins: string,
  messages: { id: number; command: string; value: Record<string, unknown> }[],
): Promise<Map<number, unknown>> {
  const child = spawn(process.execPath, [bridge, plugins], { stdio: ["pipe", "pipe", "inherit"] });
  const replies = new Map<number, unknown>();
  let buffered = "";
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const reply: { id: number; value: unknown } = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        replies.set(reply.id, reply.value);
      }
      if (replies.size === messages.length) {
        child.kill();
        resolve(replies);
      }
    });
    for (const message of messages) child.stdin.write(`${JSON.stringify(message)}\n`);
  });
}
