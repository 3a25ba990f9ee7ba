// The local stack as a child process for `bench:load`: free loopback ports, a temp DATA_DIR, the ready line,
// and the process's peak RSS and CPU time read from /proc before it stops.
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** What the ready line and the chosen ports say about a running stack. */
export interface BenchStack {
  api: string;
  s3: string;
  dynamo: string;
  bucket: string;
  exportsBucket: string;
  token: string;
  pid: number;
  stop(): Promise<void>;
}

/** Peak resident memory and CPU seconds of a process, from /proc (Linux); null elsewhere. */
export interface ProcessUsage {
  peakRssMb: number;
  cpuSeconds: number;
}

/** Starts `sluice start` with the legacy-provider flag given directly, so the stack is this one child (no wrapper). */
export async function startBenchStack(root: string, dataDir: string): Promise<BenchStack> {
  const [port, s3Port, dynamoPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      "--openssl-legacy-provider",
      // Profiling the stack alone: `STACK_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" npm run bench:load`.
      ...(process.env.STACK_NODE_ARGS ?? "").split(" ").filter((arg) => arg !== ""),
      join(root, "packages/cli/bin/sluice.js"),
      "start",
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        S3_PORT: String(s3Port),
        DYNAMODB_PORT: String(dynamoPort),
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const line = await readyLine(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error("the stack has no pid");
  return {
    ...line,
    dynamo: `http://127.0.0.1:${dynamoPort}`,
    pid,
    async stop() {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Reads VmHWM (peak RSS) and utime+stime of a live process. */
export async function processUsage(pid: number): Promise<ProcessUsage | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (hwm === undefined) return null;
    return { peakRssMb: Number(hwm) / 1024, cpuSeconds: ticks / 100 };
  } catch {
    return null;
  }
}

async function readyLine(child: ChildProcess) {
  if (child.stdout === null) throw new Error("no stdout");
  for await (const line of createInterface({ input: child.stdout })) {
    const match = /^sluice ready api=(\S+) s3=(\S+) bucket=(\S+) exports=(\S+) token=(\S+)$/.exec(line);
    if (match?.[1] && match[2] && match[3] && match[4] && match[5])
      return { api: match[1], s3: match[2], bucket: match[3], exportsBucket: match[4], token: match[5] };
  }
  throw new Error("sluice start exited before its ready line");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
