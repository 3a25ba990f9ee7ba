import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

/** `sluice start` running as its own process, as `npm start` runs it: what its ready line says, and its stderr. */
export interface StackProcess {
  api: string;
  s3: string;
  bucket: string;
  exportsBucket: string;
  token: string;
  pid: number;
  /** What the stack wrote on stderr so far. */
  stderr(): string;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Why `sluice start` exited before its ready line, with its exit code and stderr. */
export class StackExitedError extends Error {
  override readonly name = "StackExitedError";
  constructor(
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`sluice start exited (${code}) before its ready line: ${stderr}`);
  }
}

const ROOT = resolve(import.meta.dirname, "../..");
const READY = /^sluice ready api=(\S+) s3=(\S+) bucket=(\S+) exports=(\S+) token=(\S+)$/;

/**
 * Starts the local stack on `dataDir` and any free loopback ports, with the legacy-provider flag given
 * directly so that the stack is this one child (no wrapper process between a signal and the stack). A stack
 * not ready within `readyWithinMs` is killed.
 */
export async function spawnStack(
  dataDir: string,
  env: Record<string, string> = {},
  readyWithinMs = 60_000,
): Promise<StackProcess> {
  const child = spawn(
    process.execPath,
    ["--openssl-legacy-provider", resolve(ROOT, "packages/cli/bin/sluice.js"), "start"],
    {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  // A stack that neither gets ready nor exits (a hang) is killed, not left running after its test.
  const hung = setTimeout(() => child.kill("SIGKILL"), readyWithinMs);
  const line = await readyLine(child).finally(() => clearTimeout(hung));
  if (line === null) throw new StackExitedError(await exited, stderr);
  const pid = child.pid;
  if (pid === undefined) throw new Error("the stack has no pid");
  return {
    ...line,
    pid,
    stderr: () => stderr,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

async function readyLine(child: ChildProcess) {
  if (child.stdout === null) throw new Error("no stdout");
  for await (const text of createInterface({ input: child.stdout })) {
    const match = READY.exec(text);
    if (match?.[1] && match[2] && match[3] && match[4] && match[5])
      return { api: match[1], s3: match[2], bucket: match[3], exportsBucket: match[4], token: match[5] };
  }
  return null;
}
