import { stat } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import type { ProbeSettings } from "@sluice/core";
import {
  DEFAULT_IMPORT_LIMITS,
  defaultsKeysFor,
  issue,
  type SluiceRecord,
  scanListing,
  sidecarKeysFor,
} from "@sluice/core";
import { UsageError } from "./errors";
import { createFolderReader } from "./folder-reader";
import { describeFsError, loadSchema, loadSuffixes } from "./load-inputs";
import { openS3Source } from "./s3-source";
import { parseUrlBase } from "./url-base";

const PLACEHOLDER_URL_BASE = "https://local.invalid/";

/** Options of `sluice inspect` on a local file. */
export interface InspectOptions {
  file: string;
  endpoint?: string;
  env: Record<string, string | undefined>;
  root: string | undefined;
  urlBase: string | undefined;
  suffixes: string[] | undefined;
  schemaFile: string | undefined;
  emitTextPdfMetadata: boolean;
  probeSettings: ProbeSettings;
}

/** Derives the record of one local file, with its sidecar and the defaults of its folders up to `root`. */
export async function inspectFile(options: InspectOptions): Promise<SluiceRecord> {
  if (options.file.startsWith("s3://")) return inspectS3Object(options);
  const file = resolve(options.file);
  const info = await stat(file).catch((error: unknown) => {
    throw new UsageError(`cannot inspect ${options.file}: ${describeFsError(error)}`);
  });
  if (!info.isFile()) throw new UsageError(`${options.file} is not a file`);
  const root = resolve(options.root ?? defaultRoot(file));
  const key = relative(root, file).split(sep).join("/");
  if (key.startsWith("../")) throw new UsageError(`${options.file} is not under --root ${root}`);
  const suffixes = loadSuffixes(options.suffixes);
  // Without --url-base the URL is a placeholder under the reserved .invalid domain, and says so.
  const mapping = parseUrlBase(options.urlBase ?? PLACEHOLDER_URL_BASE, root);
  const candidates = [...sidecarKeysFor(key, suffixes), ...defaultsKeysFor(key)];
  const keys = [key, ...(await existing(root, candidates))];
  const result = await scanListing({
    bucket: mapping.bucket,
    keys: keys.map((k) => mapping.keyPrefix + k),
    reader: createFolderReader(root, mapping.keyPrefix),
    objectUrlOf: (k) => mapping.objectUrlOf(k.slice(mapping.keyPrefix.length)),
    suffixes,
    schema: await loadSchema(options.schemaFile),
    emitTextPdfMetadata: options.emitTextPdfMetadata,
    probeSettings: options.probeSettings,
    limits: DEFAULT_IMPORT_LIMITS,
    now: () => new Date().toISOString(),
  });
  const record = result.records.find((r) => r.key === mapping.keyPrefix + key);
  if (!record)
    throw new UsageError(`${options.file} is itself a sidecar or a defaults file, not a data object`);
  if (options.urlBase !== undefined) return record;
  const message = `no --url-base given: objectUrl is a placeholder under ${PLACEHOLDER_URL_BASE}`;
  return { ...record, warnings: [...record.warnings, issue("placeholder-url", message)] };
}

/** The record of one S3 object, with its sidecars and folder defaults as they are in the bucket. */
async function inspectS3Object(options: InspectOptions): Promise<SluiceRecord> {
  const source = openS3Source(
    options.file,
    { endpoint: options.endpoint, urlBase: options.urlBase },
    options.env,
  );
  const key = source.prefix;
  if (key === "" || key.endsWith("/"))
    throw new UsageError(`inspect takes an object, not a prefix: ${options.file}`);
  const suffixes = loadSuffixes(options.suffixes);
  const candidates = [...sidecarKeysFor(key, suffixes), ...defaultsKeysFor(key)];
  const present = await Promise.all(candidates.map(async (k) => ((await source.store.head(k)) ? [k] : [])));
  const result = await scanListing({
    bucket: source.bucket,
    keys: [key, ...present.flat()],
    reader: source.store,
    objectUrlOf: source.objectUrlOf,
    suffixes,
    schema: await loadSchema(options.schemaFile),
    emitTextPdfMetadata: options.emitTextPdfMetadata,
    probeSettings: options.probeSettings,
    limits: DEFAULT_IMPORT_LIMITS,
    now: () => new Date().toISOString(),
  });
  const record = result.records.find((r) => r.key === key);
  if (!record)
    throw new UsageError(`${options.file} is itself a sidecar or a defaults file, not a data object`);
  return record;
}

/** The current directory when the file is under it, else the file's own folder. */
function defaultRoot(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(cwd + sep) ? cwd : dirname(file);
}

async function existing(root: string, keys: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const key of keys) {
    const isFile = await stat(resolve(root, ...key.split("/"))).then(
      (s) => s.isFile(),
      () => false,
    );
    if (isFile) found.push(key);
  }
  return found;
}
