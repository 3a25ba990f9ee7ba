import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";

/** The repository's root, where `npm start` runs. */
export const ROOT = resolve(import.meta.dirname, "../..");

/** What the stack's ready line says. */
export interface ReadyLine {
  line: string;
  api: string;
  s3: string;
  bucket: string;
  token: string;
}

/** A launched `npm start` or `node packages/cli/bin/sluice.js start`, in its own process group. */
export interface UserLaunch {
  /** The launched process: npm, or the CLI's node; also its process group's id. */
  pid: number;
  /** Resolves with the ready line, or rejects when the process exits first. */
  ready: Promise<ReadyLine>;
  /**
   * Resolves with the launched process's exit code (null when a signal ended it) once it has exited and
   * every process that shares its stdout and stderr (the stack) has closed them.
   */
  exited: Promise<number | null>;
  /** What the launched process and its children wrote on stderr so far. */
  stderr(): string;
}

// What vitest.config.ts sets for its workers, which a user's shell does not have.
const TEST_ONLY_ENV = ["POWERTOOLS_METRICS_DISABLED", "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"];
const READY = /^sluice ready api=(\S+) s3=(\S+) bucket=(\S+) exports=\S+ token=(\S+)$/;

/**
 * Starts the local stack as a user does — `npm start`, or the CLI's node as npm runs it — with the user's
 * environment (none of the test workers' settings), `env` on top. The process leads its own process group,
 * as a shell's foreground job does, so that a signal to the group is the terminal's Ctrl-C.
 */
export function launchAsUser(how: "npm" | "node", env: Record<string, string>): UserLaunch {
  const [command, args] =
    how === "npm"
      ? ["npm", ["start"]]
      : [process.execPath, [resolve(ROOT, "packages/cli/bin/sluice.js"), "start"]];
  const child = spawn(command, args, {
    cwd: ROOT,
    // npm's update check would reach the registry.
    env: { ...userEnv(), npm_config_update_notifier: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((done) => child.once("close", (code) => done(code)));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command} did not start`);
  return {
    pid,
    ready: readyLine(child).then((line) => {
      if (line === null) throw new Error(`${how} exited before its ready line: ${stderr}`);
      return line;
    }),
    exited,
    stderr: () => stderr,
  };
}

/** This process's environment as a user's shell has it: without what vitest.config.ts sets for its workers. */
export function userEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !TEST_ONLY_ENV.includes(name) && name !== "NODE_OPTIONS"),
  );
}

/** The process ids below `pid` (children, grandchildren, …), read from /proc. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(name), ppid);
    } catch {
      // The process ended while the folder was read.
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents)
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

/** True while `pid` is a process that has not been reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with `promise`'s value, or with `fallback` after `ms`. */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  const controller = new AbortController();
  try {
    return await Promise.race([promise, delay(ms, fallback, { signal: controller.signal })]);
  } finally {
    controller.abort();
  }
}

/** Ends whatever is left of a launch (the launched process and every descendant) with SIGKILL. */
export function killLeftovers(pids: readonly number[]): void {
  for (const pid of pids)
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
}

async function readyLine(child: ChildProcess): Promise<ReadyLine | null> {
  if (child.stdout === null) throw new Error("no stdout");
  for await (const text of createInterface({ input: child.stdout })) {
    const match = READY.exec(text);
    if (match?.[1] && match[2] && match[3] && match[4])
      return { line: text, api: match[1], s3: match[2], bucket: match[3], token: match[4] };
  }
  return null;
}
