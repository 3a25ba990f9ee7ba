import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_PROBE_SETTINGS, type ProbeSettings } from "@sluice/core";
import { z } from "zod";
import { type CliIo, processIo } from "./cli-io";
import {
  createBucketSettingsClient,
  describeEnableEventBridge,
  EnableEventBridgeError,
  enableEventBridge,
} from "./enable-eventbridge";
import { explainFailure, UsageError } from "./errors";
import { inspectFile } from "./inspect";
import { startLocalStack } from "./local-stack";
import { scanFolder } from "./scan";
import { COMMAND_USAGE, USAGE } from "./usage";
import { checkOutFile, writeImportFiles } from "./write-out";

/** Runs the `sluice` command with its arguments and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "--version" || command === "-v" || command === "version") {
      io.stdout(`sluice ${cliVersion()}\n`);
      return 0;
    }
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    const usage = COMMAND_USAGE.get(command);
    if (usage === undefined) throw new UsageError(`unknown command "${command}"; sluice --help lists them`);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout(`${usage}\n`);
      return 0;
    }
    if (command === "scan") return await runScan(rest, io);
    if (command === "inspect") return await runInspect(rest, io);
    if (command === "start") return await runStart(rest, io);
    return await runEnableEventBridge(rest, io);
  } catch (error) {
    if (error instanceof EnableEventBridgeError) {
      io.stderr(`sluice: ${error.message}\n`);
      return 1;
    }
    const { line, exitCode } = explainFailure(error);
    io.stderr(`sluice: ${line}\n`);
    return exitCode;
  }
}

const COMMON_OPTIONS = {
  endpoint: { type: "string" },
  timeout: { type: "string" },
  "url-base": { type: "string" },
  "sidecar-suffix": { type: "string", multiple: true },
  schema: { type: "string" },
} as const;

/** Runs an argument parser, turning its complaints into one line that points at the command's help. */
function parseOrExplain<T>(command: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node's own text for an unknown option runs on with advice about "--" and leaves a quote open.
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    const problem = unknown ? `unknown option ${unknown[1]}` : message.replace(/\.$/, "");
    throw new UsageError(`${problem}; sluice ${command} --help lists the options`);
  }
}

async function runScan(args: string[], io: CliIo): Promise<number> {
  const options = {
    ...COMMON_OPTIONS,
    out: { type: "string" },
    "max-entries": { type: "string" },
    "max-videos": { type: "string" },
    "max-bytes": { type: "string" },
  } as const;
  const { values, positionals } = parseOrExplain("scan", () =>
    parseArgs({ args, options, allowPositionals: true, strict: true }),
  );
  const [dir, ...extra] = positionals;
  if (dir === undefined || extra.length > 0)
    throw new UsageError("scan takes one folder or s3:// prefix; sluice scan --help says more");
  const out = values.out;
  // Checked before the scan, which may take long, rather than when its result is written.
  if (out !== undefined) await checkOutFile(out);
  const result = await scanFolder(
    {
      dir,
      endpoint: values.endpoint,
      timeoutSeconds: positiveSeconds(values.timeout),
      urlBase: values["url-base"],
      suffixes: values["sidecar-suffix"],
      schemaFile: values.schema,
      limits: {
        maxEntries: positiveInt(values["max-entries"], "--max-entries"),
        maxVideos: positiveInt(values["max-videos"], "--max-videos"),
        maxBytes: positiveInt(values["max-bytes"], "--max-bytes"),
      },
      emitTextPdfMetadata: io.env.EMIT_TEXT_PDF_METADATA === "1",
      probeSettings: probeSettingsFrom(io.env),
    },
    io,
  );
  if (out === undefined) {
    if (result.texts.length > 1) {
      throw new UsageError(
        `the import splits into ${result.texts.length} files; pass --out FILE to write them`,
      );
    }
    io.stdout(result.texts[0] ?? "");
  } else {
    const names = await writeImportFiles(out, result.texts);
    io.stderr(`wrote ${names.join(", ")}\n`);
  }
  return 0;
}

/** Exit 1 when the record is invalid: scripts can tell a broken object from a good one. */
async function runInspect(args: string[], io: CliIo): Promise<number> {
  const options = { ...COMMON_OPTIONS, root: { type: "string" } } as const;
  const { values, positionals } = parseOrExplain("inspect", () =>
    parseArgs({ args, options, allowPositionals: true, strict: true }),
  );
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    throw new UsageError("inspect takes one file or s3:// object; sluice inspect --help says more");
  const record = await inspectFile({
    file,
    endpoint: values.endpoint,
    timeoutSeconds: positiveSeconds(values.timeout),
    env: io.env,
    root: values.root,
    urlBase: values["url-base"],
    suffixes: values["sidecar-suffix"],
    schemaFile: values.schema,
    emitTextPdfMetadata: io.env.EMIT_TEXT_PDF_METADATA === "1",
    probeSettings: probeSettingsFrom(io.env),
    report: (line) => io.stderr(`${line}\n`),
  });
  io.stdout(`${JSON.stringify(record, null, 2)}\n`);
  return record.status === "invalid" ? 1 : 0;
}

/** Runs the local stack until SIGINT or SIGTERM, then stops it cleanly and answers 0. */
async function runStart(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0)
    throw new UsageError("start takes no arguments; its settings come from the environment");
  const stack = await startLocalStack(io.env, {
    onError: (error) => io.stderr(`sluice: ${messageOf(error)}\n`),
  });
  // Listening before the ready line: a signal sent as soon as it is read must stop the stack cleanly.
  const signal = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  io.stdout(`${stack.readyLine}\n`);
  await signal.then((name) => io.stderr(`sluice: ${name}, stopping\n`));
  await stack.stop();
  return 0;
}

async function runEnableEventBridge(args: string[], io: CliIo): Promise<number> {
  const options = { bucket: { type: "string" }, endpoint: { type: "string" } } as const;
  const { values } = parseOrExplain("enable-eventbridge", () => parseArgs({ args, options, strict: true }));
  const bucket = values.bucket?.replace(/^s3:\/\//, "").replace(/\/$/, "");
  if (!bucket || bucket.includes("/"))
    throw new UsageError(
      "enable-eventbridge takes --bucket NAME; sluice enable-eventbridge --help says more",
    );
  const client = createBucketSettingsClient({ endpoint: values.endpoint }, io.env);
  try {
    io.stdout(`${describeEnableEventBridge(await enableEventBridge(client, bucket))}\n`);
  } finally {
    client.destroy();
  }
  return 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `LOSSY_BIT_DEPTH` sets the bit depth reported for lossy audio (default 16). */
function probeSettingsFrom(env: CliIo["env"]): ProbeSettings {
  const depth = positiveInt(env.LOSSY_BIT_DEPTH, "LOSSY_BIT_DEPTH");
  return { ...DEFAULT_PROBE_SETTINGS, ...(depth === undefined ? {} : { lossyBitDepth: depth }) };
}

/** `--timeout SECONDS`: a positive number, fractions allowed. */
function positiveSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--timeout must be a positive number of seconds, got "${value}"`);
  return n;
}

/** The version in the CLI's package.json. */
function cliVersion(): string {
  const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  return z.object({ version: z.string() }).parse(JSON.parse(text)).version;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}
