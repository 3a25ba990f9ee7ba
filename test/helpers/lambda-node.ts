import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { FUNCTION_NODEJS_BUILD } from "../../stacks/function-build";
import { type BuiltFunction, buildFunction, PROJECT_ROOT } from "./sst-synth/build-function";

/** The six functions the stacks deploy, as their `handler` strings. */
export const LAMBDA_HANDLERS = [
  "functions/ingest.handler",
  "functions/work.handler",
  "functions/export.handler",
  "functions/api.handler",
  "functions/reconcile.handler",
  "functions/deliver.handler",
] as const;
export type LambdaHandler = (typeof LAMBDA_HANDLERS)[number];

/**
 * Node 22, the `nodejs22.x` runtime the stacks declare: tools/lambda-node's binary for this machine, which the
 * root `postinstall` installs. A package of its own, because `node@22` at the root would put itself first on the
 * PATH of every npm script and move the whole suite off the machine's Node.
 */
export const LAMBDA_NODE = join(
  PROJECT_ROOT,
  "tools/lambda-node/node_modules",
  `node-${process.platform}-${process.arch}`,
  "bin/node",
);

/** LAMBDA_NODE, or an error saying how to install it. */
export function lambdaNode(): string {
  if (existsSync(LAMBDA_NODE)) return LAMBDA_NODE;
  throw new Error(
    `Node 22 for the Lambda bundles is missing (${LAMBDA_NODE}). Run "npm ci" at the project root: its ` +
      `postinstall runs "npm ci --prefix tools/lambda-node". Only Linux x64 and arm64 binaries are pinned there.`,
  );
}

/** Builds the given handlers (all six by default) as SST builds them, with the stacks' build settings, into `out`. */
export async function buildBundles(
  out: string,
  handlers: readonly LambdaHandler[] = LAMBDA_HANDLERS,
): Promise<Map<LambdaHandler, BuiltFunction>> {
  const built = await Promise.all(
    handlers.map(
      async (handler) => [handler, await buildFunction(handler, out, FUNCTION_NODEJS_BUILD)] as const,
    ),
  );
  return new Map(built);
}

/** A bundle alone in a fresh folder: `taskRoot` stands for Lambda's `/var/task`, laid out as the zip is. */
export interface IsolatedBundle {
  taskRoot: string;
  file: string;
  /** The handler's export name (`handler`). */
  exportName: string;
}

/** Copies a built bundle, and nothing else, into a new folder under the OS temp directory. */
export async function isolateBundle(built: BuiltFunction): Promise<IsolatedBundle> {
  const taskRoot = await mkdtemp(join(tmpdir(), "sluice-task-"));
  const file = join(taskRoot, relative(built.out, built.file));
  await mkdir(dirname(file), { recursive: true });
  await copyFile(built.file, file);
  return { taskRoot, file, exportName: built.handler.slice(built.handler.lastIndexOf(".") + 1) };
}

/** The folders from `dir` up to `/` that hold a `node_modules` or a `package.json`: what a bundle could reach outside itself. */
export function resolvableAbove(dir: string): string[] {
  const found: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, "node_modules")) || existsSync(join(at, "package.json"))) found.push(at);
    if (dirname(at) === at) return found;
  }
}

/** How Lambda would run the function: its name, memory and timeout, and the environment it is given. */
export interface LambdaFunctionSettings {
  functionName: string;
  memoryMB: number;
  timeoutSeconds: number;
  /** The function's own environment (the stack's `environment`) plus, in tests, the emulators' endpoints. */
  environment: Record<string, string>;
  region: string;
}

/** One invocation's outcome, as the runtime would report it. */
export type Invocation =
  | { ok: true; value: unknown }
  | { ok: false; errorType: string; errorMessage: string; stack: string };

/** What one process did: the Node it ran on, how long the import took from process start, and each invocation. */
export interface LambdaRun {
  version: string;
  /** Milliseconds from process start to the bundle's import done, measured in the child. */
  initMs: number;
  /** CPU milliseconds (user and system) the process spent until then: what a busy machine does not inflate. */
  initCpuMs: number;
  /** Milliseconds from spawn to exit, measured here. */
  wallMs: number;
  invocations: Invocation[];
  stdout: string;
  stderr: string;
}

const MARKER = "@@sluice-lambda-run@@";

// The child's whole program: what Lambda's runtime does in essence (import the handler's module at init, then call
// the export once per event with a context) minus the Runtime API. Events arrive on stdin; the outcome is printed
// after a marker line, because the handlers' own logs and EMF metrics go to stdout as they do in Lambda.
// Like the suite's own guard (test/setup/loopback-only.ts), every TCP connection off loopback is refused, so that a
// client the emulators' endpoints did not reach fails at once instead of trying AWS.
const RUNNER = `
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import { pathToFileURL } from "node:url";
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const target = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = typeof target === "object" && target !== null
    ? (typeof target.path === "string" ? null : (target.host ?? "localhost"))
    : typeof target === "string" && !/^\\d+$/.test(target) ? null : (typeof args[1] === "string" ? args[1] : "localhost");
  if (host !== null && !/^(localhost|127(\\.\\d+){3}|::1|\\[::1\\]|::ffff:127(\\.\\d+){3})$/i.test(host))
    throw new Error("lambda bundle network guard: connection to " + host + " refused (loopback only)");
  return Reflect.apply(connect, this, args);
};
const [file, exportName] = process.argv.slice(1);
const input = JSON.parse(readFileSync(0, "utf8"));
const fail = (error) => {
  process.stderr.write("Runtime.ImportModuleError: " + (error?.stack ?? error) + "\\n", () => process.exit(1));
  return new Promise(() => {});
};
// Caught so that Node does not print the failing line: the whole minified bundle is one line.
const mod = await import(pathToFileURL(file).href).catch(fail);
const initMs = performance.now();
const cpu = process.cpuUsage();
const initCpuMs = (cpu.user + cpu.system) / 1000;
const handler = mod[exportName];
if (typeof handler !== "function") throw new Error(file + " does not export a function " + exportName);
const invocations = [];
for (const event of input.events) {
  const requestId = randomUUID();
  const deadline = Date.now() + input.timeoutMs;
  const context = {
    awsRequestId: requestId,
    functionName: input.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:" + input.region + ":123456789012:function:" + input.functionName,
    memoryLimitInMB: String(input.memoryMB),
    logGroupName: "/aws/lambda/" + input.functionName,
    logStreamName: "2026/01/01/[$LATEST]" + requestId.replaceAll("-", ""),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {}, fail() {}, succeed() {},
  };
  try {
    const value = await handler(event, context);
    invocations.push({ ok: true, value: value === undefined ? null : value });
  } catch (error) {
    invocations.push({ ok: false, errorType: error?.name ?? "Error", errorMessage: String(error?.message ?? error), stack: String(error?.stack ?? "") });
  }
}
const line = "\\n${MARKER}" + JSON.stringify({ version: process.version, initMs, initCpuMs, invocations }) + "\\n";
process.stdout.write(line, () => process.exit(0));
`;

/**
 * Runs a bundle in a fresh Node 22 process from its task root with only the environment Lambda would give it, and
 * calls its handler once per event in that one process (the first cold, the rest warm). No events: import only.
 */
export function runInLambdaNode(
  bundle: IsolatedBundle,
  fn: LambdaFunctionSettings,
  events: readonly unknown[],
): Promise<LambdaRun> {
  const node = lambdaNode();
  const started = performance.now();
  const child = spawn(node, ["--input-type=module", "-e", RUNNER, bundle.file, bundle.exportName], {
    cwd: bundle.taskRoot,
    env: lambdaEnvironment(bundle, fn, dirname(node)),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(
    JSON.stringify({
      events,
      timeoutMs: fn.timeoutSeconds * 1000,
      functionName: fn.functionName,
      memoryMB: fn.memoryMB,
      region: fn.region,
    }),
  );
  // Past its timeout Lambda stops the function; so does this, with a margin for the process's start.
  const timer = setTimeout(() => child.kill("SIGKILL"), fn.timeoutSeconds * 1000 + 10_000);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const at = stdout.lastIndexOf(MARKER);
      if (code !== 0 || at < 0) {
        const why = signal ? `was killed (${signal})` : `exited with ${code}`;
        reject(
          new Error(
            `${bundle.file} on ${node} ${why}\n--- stderr ---\n${clip(stderr)}\n--- stdout ---\n${clip(stdout)}`,
          ),
        );
        return;
      }
      const outcome: Omit<LambdaRun, "wallMs" | "stdout" | "stderr"> = JSON.parse(
        stdout.slice(at + MARKER.length),
      );
      resolve({ ...outcome, wallMs, stdout: stdout.slice(0, at), stderr });
    });
  });
}

/** The last lines of a child's output, each cut short: a line of a minified bundle is a megabyte long. */
function clip(text: string): string {
  return text
    .split("\n")
    .slice(-40)
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
    .join("\n");
}

/**
 * The environment of a Lambda process: the runtime's own variables, then the function's. Nothing is inherited
 * from this process (no NODE_OPTIONS, no NODE_PATH, no credentials of the machine).
 */
function lambdaEnvironment(
  bundle: IsolatedBundle,
  fn: LambdaFunctionSettings,
  nodeBin: string,
): Record<string, string> {
  const handlerPath = relative(bundle.taskRoot, bundle.file).replace(/\.mjs$/, "");
  return {
    PATH: `${nodeBin}:/usr/local/bin:/usr/bin:/bin`,
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    LAMBDA_TASK_ROOT: bundle.taskRoot,
    LAMBDA_RUNTIME_DIR: "/var/runtime",
    _HANDLER: `${handlerPath}.${bundle.exportName}`,
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMB),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    // The role's temporary credentials; the emulators accept these (s3rver checks the signature with its own pair).
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_SESSION_TOKEN: "lambda-session-token",
    ...fn.environment,
  };
}
