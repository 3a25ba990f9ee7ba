#!/usr/bin/env node
// The registry these machines reach lacks some packages' other-platform binaries (Biome's darwin,
// win32, musl, android builds answer 404), so `npm install` leaves them out of the lockfile and
// `npm ci` then refuses the lock. This adds each missing optional platform package as an entry
// with its os/cpu, which npm ci skips on this platform without fetching it. Run after `npm install`.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
const PLATFORM =
  /-(android|darwin|freebsd|linux|openbsd|sunos|win32|aix|netbsd|openharmony)-(arm64|x64|arm|ia32|ppc64|s390x|riscv64|loong64|mips64el)(-(musl|gnu|msvc))?$/;
let added = 0;
for (const [at, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${at ? `${at}/` : ""}node_modules/${name}`.replace(/^\//, "");
    const hoisted = `node_modules/${name}`;
    if (packages[key] || packages[hoisted]) continue;
    const match = PLATFORM.exec(name);
    if (!match) continue;
    const stub = { version, cpu: [match[2]], os: [match[1]], optional: true };
    if (entry.dev) stub.dev = true;
    if (match[4] === "musl" || match[4] === "gnu") stub.libc = [match[4] === "musl" ? "musl" : "glibc"];
    packages[hoisted] = stub;
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} entries`);
