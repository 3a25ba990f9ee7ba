#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the CLI needs no build step.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const LEGACY = "--openssl-legacy-provider";
const args = process.argv.slice(2);
const hasLegacy = process.execArgv.includes(LEGACY) || (process.env.NODE_OPTIONS ?? "").includes(LEGACY);

if (args[0] === "start" && !hasLegacy) {
  // s3rver's paginated ListObjectsV2 needs DES (toolchain.md §3.2), which Node only has with this flag,
  // and the flag cannot be turned on after start: run the stack in a child node that has it.
  const child = spawn(
    process.execPath,
    [LEGACY, ...process.execArgv, fileURLToPath(import.meta.url), ...args],
    {
      stdio: "inherit",
    },
  );
  // Ctrl-C reaches the child through the process group; a plain kill of this process is passed on.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/main.ts");
  process.exitCode = await main(args);
}
