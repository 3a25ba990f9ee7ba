import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "./build-function";
import type { SynthRecording, SynthRequest } from "./types";

export type { SynthRecording, SynthResource } from "./types";

/** A synthesis request without the paths, which `synthesize` fills in. */
export type Scenario = Omit<SynthRequest, "workDir" | "resultFile" | "timeoutMs" | "root"> & {
  root?: string;
  timeoutMs?: number;
};

/**
 * Runs `sst.config.ts` with SST's real components under Pulumi's mocks in a child process
 * (../shared/docs/sst-offline.md) and returns what it declared. Never contacts AWS: the
 * child's only connections are to its own loopback RPC server.
 */
export async function synthesize(scenario: Scenario): Promise<SynthRecording> {
  const workDir = await mkdtemp(join(tmpdir(), "sluice-synth-"));
  const request: SynthRequest = {
    root: PROJECT_ROOT,
    timeoutMs: 240_000,
    ...scenario,
    workDir,
    resultFile: join(workDir, "recording.json"),
  };
  const requestFile = join(workDir, "request.json");
  await writeFile(requestFile, JSON.stringify(request));
  const tsx = join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Nothing in the program may reach AWS; the SDK's metadata probe is the usual way it would try.
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ACCESS_KEY_ID: "synth",
    AWS_SECRET_ACCESS_KEY: "synth",
    AWS_REGION: "us-east-1",
  };
  // The deployer's shell is only what the scenario says.
  for (const key of Object.keys(env)) if (/^(SLUICE_|ENCORD_|SST_SECRET_)/.test(key)) delete env[key];
  const child = spawn(process.execPath, [tsx, join(import.meta.dirname, "child.ts"), requestFile], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  try {
    return JSON.parse(await readFile(request.resultFile, "utf8")) as SynthRecording;
  } catch {
    throw new Error(`synthesis exited ${code} without a recording:\n${output.slice(-4000)}`);
  }
}
