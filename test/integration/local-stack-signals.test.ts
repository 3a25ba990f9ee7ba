import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  descendants,
  isRunning,
  killLeftovers,
  launchAsUser,
  type UserLaunch,
  within,
} from "../helpers/user-launch";

// Process managers and IDEs stop `npm start` with a signal to the PID they started (npm's) or to the node
// process they see under it; a terminal's Ctrl-C reaches the whole foreground process group.
let dataDir: string;
const leftovers: number[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-signals-"));
});

afterEach(async () => {
  killLeftovers(leftovers.splice(0));
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts the stack the way `how` says and answers it once ready, with every process it is made of. */
async function startAs(how: "npm" | "node"): Promise<{ launch: UserLaunch; processes: number[] }> {
  const launch = launchAsUser(how, { DATA_DIR: dataDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0" });
  leftovers.push(launch.pid);
  await launch.ready;
  // `sluice start` prints its ready line a moment before it listens for SIGINT and SIGTERM (main.ts), and
  // a signal in between ends it without a clean stop: this suite is about what happens after.
  await delay(300);
  const processes = [launch.pid, ...descendants(launch.pid)];
  leftovers.push(...processes);
  return { launch, processes };
}

/** The processes still running after up to `ms` (a process that has exited may take a moment to be reaped). */
async function allGone(processes: readonly number[], ms = 3_000): Promise<number[]> {
  for (const deadline = Date.now() + ms; processes.some(isRunning) && Date.now() < deadline; )
    await delay(100);
  return processes.filter(isRunning);
}

/** The CLI's node process that npm runs for `npm start`: the first process below npm that runs sluice.js. */
function nodeUnderNpm(processes: readonly number[]): number {
  const node = processes
    .slice(1)
    .find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("sluice.js"));
  if (node === undefined) throw new Error("npm start runs no sluice.js");
  return node;
}

describe("npm start", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "stops the whole stack cleanly and exits 0 when npm's PID gets %s",
    async (signal) => {
      // Prepare
      const { launch, processes } = await startAs("npm");

      // Act
      process.kill(launch.pid, signal);
      const code = await within(launch.exited, 20_000, "still running");

      // Assert
      expect(code).toBe(0);
      expect(await allGone(processes)).toEqual([]);
      expect(launch.stderr().match(/stopping/g)).toEqual(["stopping"]);
    },
    40_000,
  );

  it("stops the whole stack cleanly when the node process under npm gets SIGINT", async () => {
    // Prepare
    const { launch, processes } = await startAs("npm");

    // Act
    process.kill(nodeUnderNpm(processes), "SIGINT");
    const code = await within(launch.exited, 20_000, "still running");

    // Assert
    expect(code).toBe(0);
    expect(await allGone(processes)).toEqual([]);
    expect(launch.stderr()).toContain("sluice: SIGINT, stopping");
  }, 40_000);

  it("stops cleanly once when Ctrl-C reaches npm, the CLI and the stack together", async () => {
    // Prepare
    const { launch, processes } = await startAs("npm");

    // Act
    process.kill(-launch.pid, "SIGINT");
    const code = await within(launch.exited, 20_000, "still running");

    // Assert
    expect(code).toBe(0);
    expect(await allGone(processes)).toEqual([]);
    expect(launch.stderr().match(/stopping/g)).toEqual(["stopping"]);
  }, 40_000);
});

describe("sluice start", () => {
  it("stops the stack cleanly and exits 0 when the terminal hangs up (SIGHUP)", async () => {
    // Prepare
    const { launch, processes } = await startAs("node");

    // Act
    process.kill(launch.pid, "SIGHUP");
    const code = await within(launch.exited, 20_000, "still running");

    // Assert
    expect(code).toBe(0);
    expect(await allGone(processes)).toEqual([]);
    expect(launch.stderr().match(/stopping/g)).toEqual(["stopping"]);
  }, 40_000);

  it("stops the stack cleanly when the CLI's node process is killed with SIGKILL", async () => {
    // Prepare
    const { launch, processes } = await startAs("node");
    const stack = processes.filter((pid) => pid !== launch.pid);

    // Act
    process.kill(launch.pid, "SIGKILL");
    // Its stdout and stderr close once the stack, which shares them, has exited too.
    await within(launch.exited, 20_000, "still running");

    // Assert
    expect(await allGone(stack)).toEqual([]);
    expect(launch.stderr()).toContain("sluice: SIGTERM, stopping");
  }, 40_000);
});
