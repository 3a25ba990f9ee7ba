#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the CLI needs no build step.
import { spawn } from "node:child_process";
import { constants } from "node:os";
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
    // Its own process group, so that it hears a signal once, from here: a terminal's Ctrl-C reaches this
    // process and npm, which passes it on, and a second SIGINT would cut the stack's clean stop short.
    // The channel tells it when this process is gone, even by SIGKILL.
    { stdio: ["inherit", "inherit", "inherit", "ipc"], detached: process.platform !== "win32" },
  );
  forwardStopSignals(child);
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
  });
} else {
  if (args[0] === "start" && process.channel) {
    // Run by the wrapper above, in a process group of its own, where nothing else would stop it: when the
    // wrapper is gone, the stack stops as on SIGTERM. The channel alone must not keep this process alive.
    process.channel.unref();
    process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
  }
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/main.ts");
  process.exitCode = await main(args);
}

/**
 * Passes SIGINT, SIGTERM and SIGHUP on to the stack, which stops cleanly on SIGINT or SIGTERM (a hang-up is
 * passed on as SIGTERM). Another signal within a second is the same request arriving twice (from the
 * terminal and again through npm) and is dropped; a later one ends a stop that takes too long (SIGKILL).
 */
function forwardStopSignals(child) {
  let first = null;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
    process.on(signal, () => {
      if (first === null) {
        first = Date.now();
        child.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
      } else if (Date.now() - first >= 1_000) child.kill("SIGKILL");
    });
}
