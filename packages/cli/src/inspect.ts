import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { ObjectReader, ProbeSettings } from "@sluice/core";
import {
  classifyKey,
  DEFAULT_IMPORT_LIMITS,
  defaultsKeysFor,
  folderOf,
  GROUP_MANIFEST_FILE_NAME,
  issue,
  type SluiceRecord,
  scanListing,
  sidecarKeysFor,
} from "@sluice/core";
import { UsageError } from "./errors";
import { createFolderReader } from "./folder-reader";
import { findInspectRoot } from "./inspect-root";
import { describeFsError, loadSchema, loadSuffixes } from "./load-inputs";
import { openS3Source } from "./s3-source";
import { guardTransient } from "./transient-guard";
import { parseUrlBase } from "./url-base";

const PLACEHOLDER_URL_BASE = "https://local.invalid/";

/** Options of `sluice inspect` on a local file. */
export interface InspectOptions {
  file: string;
  endpoint?: string;
  timeoutSeconds?: number;
  env: Record<string, string | undefined>;
  root: string | undefined;
  urlBase: string | undefined;
  suffixes: string[] | undefined;
  schemaFile: string | undefined;
  emitTextPdfMetadata: boolean;
  probeSettings: ProbeSettings;
  /** Where the root found and the `_defaults.json` files applied are reported (stderr). */
  report(line: string): void;
}

/**
 * Derives the record of one local file with its sidecar, its folder's `_group.json` and the
 * `_defaults.json` of every folder above it up to the root (inspect-root.ts), as the pipeline would.
 */
export async function inspectFile(options: InspectOptions): Promise<SluiceRecord> {
  if (options.file.startsWith("s3://")) return inspectS3Object(options);
  const file = resolve(options.file);
  const info = await stat(file).catch((error: unknown) => {
    throw new UsageError(`cannot inspect ${options.file}: ${describeFsError(error)}`);
  });
  if (!info.isFile()) throw new UsageError(`${options.file} is not a file`);
  const { root, key, found } = await findInspectRoot(file, options.root);
  if (found) options.report(`root: ${root} (key ${key}; --root sets another)`);
  const suffixes = loadSuffixes(options.suffixes);
  // Without --url-base the URL is a placeholder under the reserved .invalid domain, and says so.
  const mapping = parseUrlBase(options.urlBase ?? PLACEHOLDER_URL_BASE, root);
  const present = await existing(root, companionKeys(key, suffixes));
  const reader = createFolderReader(root, mapping.keyPrefix);
  const record = await deriveOne(options, suffixes, {
    bucket: mapping.bucket,
    key: mapping.keyPrefix + key,
    companions: present.map((k) => mapping.keyPrefix + k),
    reader,
    objectUrlOf: (k) => mapping.objectUrlOf(k.slice(mapping.keyPrefix.length)),
    describe: (k) => resolve(root, ...k.slice(mapping.keyPrefix.length).split("/")),
  });
  if (options.urlBase !== undefined) return record;
  const message = `no --url-base given: objectUrl is a placeholder under ${PLACEHOLDER_URL_BASE}`;
  return { ...record, warnings: [...record.warnings, issue("placeholder-url", message)] };
}

/** The record of one S3 object, with its sidecars, group manifest and folder defaults as they are in the bucket. */
async function inspectS3Object(options: InspectOptions): Promise<SluiceRecord> {
  const source = openS3Source(
    options.file,
    { endpoint: options.endpoint, urlBase: options.urlBase, timeoutSeconds: options.timeoutSeconds },
    options.env,
  );
  const key = source.prefix;
  if (key === "" || key.endsWith("/"))
    throw new UsageError(`inspect takes an object, not a prefix: ${options.file}`);
  if ((await source.store.head(key)) === null) {
    // HEAD of a missing bucket is a bare 404; a one-key listing says which of the two is missing.
    await source.store.list(key, null, 1);
    throw new UsageError(`${options.file} does not exist`);
  }
  const suffixes = loadSuffixes(options.suffixes);
  const candidates = companionKeys(key, suffixes);
  const present = await Promise.all(candidates.map(async (k) => ((await source.store.head(k)) ? [k] : [])));
  return deriveOne(options, suffixes, {
    bucket: source.bucket,
    key,
    companions: present.flat(),
    reader: source.store,
    objectUrlOf: source.objectUrlOf,
    describe: (k) => `s3://${source.bucket}/${k}`,
  });
}

/** One object and the files that may shape its record, read through one reader. */
interface InspectTarget {
  bucket: string;
  key: string;
  /** Its sidecars, `_group.json` and `_defaults.json` files that exist. */
  companions: string[];
  reader: ObjectReader;
  objectUrlOf(key: string): string;
  /** How a key is named to the user: a path, or an s3:// URI. */
  describe(key: string): string;
}

async function deriveOne(
  options: InspectOptions,
  suffixes: readonly string[],
  target: InspectTarget,
): Promise<SluiceRecord> {
  const guarded = guardTransient(target.reader);
  const result = await scanListing({
    bucket: target.bucket,
    keys: [target.key, ...target.companions],
    reader: guarded.reader,
    objectUrlOf: target.objectUrlOf,
    suffixes,
    schema: await loadSchema(options.schemaFile),
    emitTextPdfMetadata: options.emitTextPdfMetadata,
    probeSettings: options.probeSettings,
    limits: DEFAULT_IMPORT_LIMITS,
    now: () => new Date().toISOString(),
  });
  guarded.check();
  const record = result.records.find((r) => r.key === target.key);
  if (!record)
    throw new UsageError(`${options.file} is itself a sidecar or a defaults file, not a data object`);
  const defaults = target.companions.filter((k) => classifyKey(k, suffixes).kind === "defaults");
  options.report(
    defaults.length > 0
      ? `defaults applied (nearest last): ${defaults.map((k) => target.describe(k)).join(", ")}`
      : "defaults applied: none",
  );
  return record;
}

/** The keys that may shape a data key's record: its sidecars, its folder's group manifest, its folders' defaults. */
function companionKeys(key: string, suffixes: readonly string[]): string[] {
  return [
    ...defaultsKeysFor(key),
    `${folderOf(key)}${GROUP_MANIFEST_FILE_NAME}`,
    ...sidecarKeysFor(key, suffixes),
  ];
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
