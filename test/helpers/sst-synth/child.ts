// One offline synthesis in its own process (SST's globals, Pulumi's runtime and the secrets in the
// environment are per process): builds the program as SST's CLI does, answers the CLI's RPCs on loopback,
// runs it under Pulumi's mocks and writes what was declared as JSON. Usage: tsx child.ts <request.json>
import { cp, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildFunction } from "./build-function";
import { mockInvoke, mockState } from "./mock-state";
import { buildProgram, checkPlatformVersion, evaluateApp, PLATFORM } from "./program";
import type { SynthRecording, SynthRequest } from "./types";

const request = JSON.parse(await readFile(process.argv[2] ?? "", "utf8")) as SynthRequest;
const recording: SynthRecording = {
  app: { name: "", stage: request.stage, removal: "" },
  resources: [],
  invokes: [],
  outputs: {},
  errors: [],
  builds: [],
};

process.on("unhandledRejection", (error) => {
  recording.errors.push(describe(error));
  // An error inside an apply (SST's SecretMissingError) leaves the outputs unsettled for ever: end once quiet.
  if (programStarted) void settle().then(() => finish("done"));
});
process.on("uncaughtException", (error) => {
  recording.errors.push(describe(error));
});

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** RPCs being answered: the program is not done while a build is running. */
let inflight = 0;
/** Whether the program runs (before it, an error has nothing to wait for). */
let programStarted = false;

/** Answers the two RPCs a deploy makes of SST's CLI: `Runtime.Build` (bundle a handler) and `Provider.Aws.Bootstrap`. */
function startRpcServer(workDir: string): Promise<Server> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    inflight += 1;
    res.on("finish", () => {
      inflight -= 1;
    });
    req.on("end", async () => {
      const { method, params } = JSON.parse(body) as { method: string; params: [Record<string, unknown>] };
      const args = params[0];
      const reply = (payload: unknown) => {
        // No keep-alive: a reused socket that the server times out just then reads as ECONNRESET in SST's client.
        res.writeHead(200, { "content-type": "application/json", connection: "close" });
        res.end(JSON.stringify(payload));
      };
      try {
        if (method === "Runtime.Build") {
          const functionID = String(args.functionID);
          const handler = String(args.handler);
          // The function's `nodejs` settings, as SST's Function component sends them.
          const properties = (args.properties ?? {}) as { plugins?: unknown };
          const nodejs = typeof properties.plugins === "string" ? { plugins: properties.plugins } : {};
          const out = join(workDir, "artifacts", `${functionID}-src`);
          await rm(out, { recursive: true, force: true });
          const cached = request.buildCache
            ? join(request.buildCache, `${handler} ${nodejs.plugins ?? ""}`.replace(/[^\w.-]/g, "_"))
            : null;
          if (cached) {
            try {
              await cp(cached, out, { recursive: true });
            } catch {
              // Built aside and renamed into place: another synthesis may be filling the same cache.
              const aside = `${cached}.${process.pid}`;
              await buildFunction(handler, aside, nodejs);
              await rename(aside, cached).catch(() => rm(aside, { recursive: true, force: true }));
              await cp(cached, out, { recursive: true });
            }
          } else {
            await buildFunction(handler, out, nodejs);
          }
          recording.builds.push({ functionID, handler, runtime: String(args.runtime ?? ""), out, ...nodejs });
          return reply({ result: { handler, out, errors: [], sourcemaps: [] }, error: null });
        }
        if (method === "Provider.Aws.Bootstrap")
          return reply({
            result: {
              asset: "sst-asset-mock",
              assetEcrRegistryId: "",
              assetEcrUrl: "",
              state: "sst-state-mock",
              appsyncHttp: "",
              appsyncRealtime: "",
            },
            error: null,
          });
        return reply({ result: null, error: `rpc: can't find method ${method}` });
      } catch (error) {
        return reply({ result: null, error: describe(error) });
      }
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const work = request.workDir;
await mkdir(work, { recursive: true });
await checkPlatformVersion();
// A scenario's own settings file stands in for the project's: it becomes `$cli.paths.root`.
let cliRoot = request.root;
if (request.stagesFile !== undefined) {
  cliRoot = join(work, "root");
  await mkdir(cliRoot, { recursive: true });
  await writeFile(join(cliRoot, "sluice.stages.json"), request.stagesFile);
}
const app = await evaluateApp(request.root, request.stage, work, cliRoot).catch(async (error) => {
  // The CLI stops here too (a config it refuses): nothing is declared.
  recording.errors.push(describe(error));
  await writeFile(request.resultFile, JSON.stringify(recording));
  process.exit(0);
});
recording.app = { name: app.name, stage: app.stage, removal: app.removal };
// Node resolves the program's `@pulumi/*` imports from where it lies: inside the platform.
const programDir = join(PLATFORM, ".synth", `${process.pid}`);
const program = await buildProgram({ root: request.root, cliRoot, app, outDir: programDir, workDir: work });

const server = await startRpcServer(work);
const address = server.address();
if (address === null || typeof address === "string") throw new Error("rpc server has no port");
process.env.SST_SERVER = `http://127.0.0.1:${address.port}`;
for (const [name, value] of Object.entries(request.secrets)) process.env[`SST_SECRET_${name}`] = value;
for (const [name, value] of Object.entries(request.env)) process.env[name] = value;

/** The part of the platform's `@pulumi/pulumi` the synthesis uses (the package is not a dependency of the project). */
interface PulumiRuntime {
  runtime: {
    setMocks(
      mocks: {
        newResource(args: MockResourceArgs): { id: string; state: Record<string, unknown> };
        call(args: { token: string; inputs: Record<string, unknown> }): Record<string, unknown>;
      },
      project: string,
      stack: string,
      preview: boolean,
    ): Promise<void>;
    getMonitor(): unknown;
    runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
    waitForRPCs(): Promise<void>;
  };
}
interface MockResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  id?: string;
}

// The same module instance the program imports: both resolve to this file.
const pulumi = (await import(
  pathToFileURL(join(PLATFORM, "node_modules/@pulumi/pulumi/index.js")).href
)) as PulumiRuntime;

await pulumi.runtime.setMocks(
  {
    newResource(args) {
      const { id, state } = mockState(args.type, args.name, args.inputs, args.id);
      return { id, state };
    },
    call(args) {
      recording.invokes.push({ token: args.token, inputs: args.inputs });
      if (args.token === "aws:ssm/getParametersByPath:getParametersByPath") {
        const path = String(args.inputs.path ?? "");
        const found = Object.entries(request.ssmParameters ?? {}).filter(([name]) => name.startsWith(path));
        return {
          path,
          names: found.map(([name]) => name),
          values: found.map(([, value]) => value),
          arns: found.map(([name]) => `arn:aws:ssm:us-east-1:123456789012:parameter${name}`),
          types: found.map(() => "String"),
          id: path,
        };
      }
      const answer = mockInvoke(args.token, args.inputs, request.existingBuckets ?? {});
      if (answer === undefined) throw new Error(`the mocks do not answer the data source ${args.token}`);
      return answer;
    },
  },
  app.name,
  app.stage,
  false,
);

// Pulumi does not pass retainOnDelete, protect or parent to the mocks: read them off the requests.
const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, (...a: unknown[]) => unknown>;
type Req = {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom?(): boolean;
  getRetainondelete?(): boolean | undefined;
  getProtect?(): boolean | undefined;
  getObject?(): unknown;
  getProperties?(): unknown;
  getId?(): string;
};
for (const method of ["registerResource", "readResource"] as const) {
  const original = monitor[method]?.bind(monitor);
  if (!original) throw new Error(`the mock monitor has no ${method}`);
  monitor[method] = (req: unknown, callback: unknown) => {
    const r = req as Req;
    const struct = (method === "registerResource" ? r.getObject?.() : r.getProperties?.()) as
      | { toJavaScript(): Record<string, unknown> }
      | undefined;
    recording.resources.push({
      type: r.getType(),
      name: r.getName(),
      parent: r.getParent() || null,
      custom: method === "readResource" ? true : (r.getCustom?.() ?? false),
      read: method === "readResource",
      retainOnDelete: r.getRetainondelete?.() ?? false,
      protect: r.getProtect?.() ?? false,
      inputs: struct ? unwrapSecrets(struct.toJavaScript()) : {},
      ...(method === "readResource" ? { id: r.getId?.() ?? "" } : {}),
    });
    return original(req, callback);
  };
}

/** Pulumi's wire form marks secrets and unknowns with signature keys; the recording keeps plain values. */
function unwrapSecrets(value: unknown): never {
  if (Array.isArray(value)) return value.map(unwrapSecrets) as never;
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270")
      return unwrapSecrets(obj.value);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v)])) as never;
  }
  return value as never;
}

const timer = setTimeout(() => finish("timeout"), request.timeoutMs);

/** How long nothing may happen before the program counts as done (generous: a loaded machine zips slowly). */
const QUIET_MS = 2_000;

async function settle(): Promise<void> {
  // The outputs resolve before every apply has declared its resources: wait for Pulumi's outstanding RPCs,
  // for the CLI RPCs being answered, then for a quiet period in which nothing new arrives.
  const progress = () => recording.resources.length + recording.invokes.length + recording.errors.length;
  let seen = -1;
  while (inflight > 0 || seen !== progress()) {
    await pulumi.runtime.waitForRPCs();
    seen = progress();
    await new Promise((r) => setTimeout(r, QUIET_MS));
  }
}

let finished = false;
async function finish(reason: string) {
  if (finished) return;
  finished = true;
  clearTimeout(timer);
  if (reason !== "done") recording.errors.push(`synthesis did not finish: ${reason}`);
  server.close();
  if (!process.env.SYNTH_KEEP) await rm(programDir, { recursive: true, force: true });
  await writeFile(request.resultFile, JSON.stringify(recording));
  process.exit(0);
}

try {
  programStarted = true;
  const mod = (await import(pathToFileURL(program).href)) as {
    default: () => Promise<Record<string, unknown>>;
  };
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    try {
      return await mod.default();
    } catch (error) {
      // A program that throws (a settings error, the preflight) never settles its stack: end here.
      recording.errors.push(describe(error));
      await finish("done");
      throw error;
    }
  });
  await settle();
  recording.outputs = (outputs ?? {}) as Record<string, unknown>;
  await finish("done");
} catch (error) {
  recording.errors.push(describe(error));
  await finish("done");
}
