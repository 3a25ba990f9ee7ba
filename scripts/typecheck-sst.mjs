#!/usr/bin/env node
// Type-checks sst.config.ts and stacks/ against SST's platform types (toolchain.md §2.2). The platform
// types exist only after `sst install`, and SST's own sources carry one error (function.ts, Buffer vs
// BinaryLike) that no tsconfig setting silences, so every line about `.sst/platform/` is dropped and
// any other `error TS` fails the check. Usage: node scripts/typecheck-sst.mjs [-p tsconfig]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const project =
  process.argv[2] === "-p" && process.argv[3] ? resolve(process.argv[3]) : join(root, "tsconfig.sst.json");

if (!existsSync(join(root, ".sst/platform/config.d.ts"))) {
  console.log("typecheck:sst: .sst/platform is missing; running sst:install");
  const install = spawnSync("npm", ["run", "sst:install"], { cwd: root, stdio: "inherit" });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const tsc = join(root, "node_modules/typescript/bin/tsc");
const run = spawnSync(process.execPath, [tsc, "-p", project, "--pretty", "false"], {
  cwd: dirname(project),
  encoding: "utf8",
});
const lines = `${run.stdout}${run.stderr}`.split("\n").filter((line) => line.trim() !== "");
// A diagnostic starts `path(line,col): error TS...`; its continuation lines are indented.
const kept = [];
let dropping = false;
for (const line of lines) {
  if (!/^\s/.test(line)) dropping = /(^|[\\/])\.sst[\\/]platform[\\/]/.test(line.split("(")[0] ?? "");
  if (!dropping) kept.push(line);
}
if (kept.length > 0) console.log(kept.join("\n"));
// A non-zero exit with no diagnostics at all means tsc itself failed (bad tsconfig, crash).
const crashed = run.status !== 0 && !lines.some((line) => /error TS\d+/.test(line));
const failed = crashed || kept.some((line) => /error TS\d+/.test(line));
if (failed) {
  console.error("typecheck:sst: failed");
  process.exit(1);
}
console.log(`typecheck:sst: ok (${lines.length - kept.length} line(s) from .sst/platform dropped)`);
