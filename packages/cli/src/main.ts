import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DEFAULT_PROBE_SETTINGS, type ProbeSettings } from "@sluice/core";
import {
  createBucketSettingsClient,
  describeEnableEventBridge,
  EnableEventBridgeError,
  enableEventBridge,
} from "./enable-eventbridge";
import { UsageError } from "./errors";
import { inspectFile } from "./inspect";
import { startLocalStack } from "./local-stack";
import { scanFolder } from "./scan";

const USAGE = `usage:
  sluice scan DIR|s3://BUCKET/PREFIX [--url-base URL] [--sidecar-suffix S]... [--schema FILE] [--out FILE]
              [--max-entries N] [--max-videos N] [--max-bytes N] [--endpoint URL]
  sluice inspect FILE|s3://BUCKET/KEY [--root DIR] [--url-base URL] [--sidecar-suffix S]... [--schema FILE]
              [--endpoint URL]
  sluice start   (the local stack; settings from PORT, S3_PORT, DYNAMODB_PORT, BUCKET, EXPORTS_BUCKET,
                  DATA_DIR, API_TOKEN, SIDECAR_SUFFIXES)
  sluice enable-eventbridge --bucket NAME [--endpoint URL]
              (turns on the bucket's EventBridge delivery once; keeps its other notification settings)`;

/** Runs the `sluice` command with its arguments and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === "scan") return await runScan(rest, io);
    if (command === "inspect") return await runInspect(rest, io);
    if (command === "start") return await runStart(rest, io);
    if (command === "enable-eventbridge") return await runEnableEventBridge(rest, io);
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`sluice: ${error.message}\n`);
      return 2;
    }
    if (error instanceof EnableEventBridgeError) {
      io.stderr(`sluice: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`sluice: unexpected error: ${message}\n`);
    return 1;
  }
}

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stderr.isTTY === true,
  };
}

const COMMON_OPTIONS = {
  endpoint: { type: "string" },
  "url-base": { type: "string" },
  "sidecar-suffix": { type: "string", multiple: true },
  schema: { type: "string" },
} as const;

/** Runs an argument parser, turning its complaints into a UsageError. */
function parseOrExplain<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
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
  const { values, positionals } = parseOrExplain(() =>
    parseArgs({ args, options, allowPositionals: true, strict: true }),
  );
  const [dir, ...extra] = positionals;
  if (dir === undefined || extra.length > 0) throw new UsageError(`scan takes one folder\n${USAGE}`);
  const result = await scanFolder(
    {
      dir,
      endpoint: values.endpoint,
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
  const out = values.out;
  if (out === undefined) {
    if (result.texts.length > 1) {
      throw new UsageError(
        `the import splits into ${result.texts.length} files; pass --out FILE to write them`,
      );
    }
    io.stdout(result.texts[0] ?? "");
  } else {
    const names = result.texts.length === 1 ? [out] : result.texts.map((_, i) => partName(out, i + 1));
    await Promise.all(result.texts.map((text, i) => writeFile(names[i] ?? out, text)));
    io.stderr(`wrote ${names.join(", ")}\n`);
  }
  return 0;
}

async function runInspect(args: string[], io: CliIo): Promise<number> {
  const options = { ...COMMON_OPTIONS, root: { type: "string" } } as const;
  const { values, positionals } = parseOrExplain(() =>
    parseArgs({ args, options, allowPositionals: true, strict: true }),
  );
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError(`inspect takes one file\n${USAGE}`);
  const record = await inspectFile({
    file,
    endpoint: values.endpoint,
    env: io.env,
    root: values.root,
    urlBase: values["url-base"],
    suffixes: values["sidecar-suffix"],
    schemaFile: values.schema,
    emitTextPdfMetadata: io.env.EMIT_TEXT_PDF_METADATA === "1",
    probeSettings: probeSettingsFrom(io.env),
  });
  io.stdout(`${JSON.stringify(record, null, 2)}\n`);
  return 0;
}

/** Runs the local stack until SIGINT or SIGTERM, then stops it cleanly and answers 0. */
async function runStart(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) throw new UsageError(`start takes no arguments\n${USAGE}`);
  const stack = await startLocalStack(io.env, {
    onError: (error) => io.stderr(`sluice: ${messageOf(error)}\n`),
  });
  io.stdout(`${stack.readyLine}\n`);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  io.stderr(`sluice: ${signal}, stopping\n`);
  await stack.stop();
  return 0;
}

async function runEnableEventBridge(args: string[], io: CliIo): Promise<number> {
  const options = { bucket: { type: "string" }, endpoint: { type: "string" } } as const;
  const { values } = parseOrExplain(() => parseArgs({ args, options, strict: true }));
  const bucket = values.bucket?.replace(/^s3:\/\//, "").replace(/\/$/, "");
  if (!bucket || bucket.includes("/"))
    throw new UsageError(`enable-eventbridge takes --bucket NAME\n${USAGE}`);
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

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** `imports.json` → `imports.part2.json`. */
function partName(out: string, part: number): string {
  const dot = out.lastIndexOf(".");
  return dot > out.lastIndexOf("/")
    ? `${out.slice(0, dot)}.part${part}${out.slice(dot)}`
    : `${out}.part${part}`;
}
