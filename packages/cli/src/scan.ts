import { stat } from "node:fs/promises";
import type { Issue, ProbeSettings, SluiceRecord } from "@sluice/core";
import {
  DEFAULT_IMPORT_LIMITS,
  type ImportLimits,
  planListing,
  type ScanResult,
  scanListing,
  serializeImportFile,
} from "@sluice/core";
import type { CliIo } from "./cli-io";
import { UsageError } from "./errors";
import { createFolderReader } from "./folder-reader";
import { describeFsError, loadSchema, loadSuffixes } from "./load-inputs";
import { createProgress } from "./progress";
import { listAll, openS3Source } from "./s3-source";
import { guardTransient } from "./transient-guard";
import { parseUrlBase } from "./url-base";
import { walkFolder } from "./walk-folder";

/** Options of `sluice scan` on a local folder. */
export interface ScanFolderOptions {
  dir: string;
  endpoint?: string;
  /** Seconds S3 may take to connect, to answer, or stay silent mid-answer (s3:// sources). */
  timeoutSeconds?: number;
  urlBase: string | undefined;
  suffixes: string[] | undefined;
  schemaFile: string | undefined;
  limits: Partial<ImportLimits>;
  emitTextPdfMetadata: boolean;
  probeSettings: ProbeSettings;
}

/** Scans a folder: every left-out object and every warning is named on stderr; returns the import files as text. */
export async function scanFolder(
  options: ScanFolderOptions,
  io: CliIo,
): Promise<ScanResult & { texts: string[] }> {
  const suffixes = loadSuffixes(options.suffixes);
  const schema = await loadSchema(options.schemaFile);
  const listing = options.dir.startsWith("s3://")
    ? await s3Listing(options, io)
    : await folderListing(options);
  const guarded = guardTransient(listing.reader);
  // The scan reports one step per data object; sidecars and defaults are read along with them.
  const steps = planListing(listing.keys, suffixes).dataKeys.length;
  const progress = createProgress(steps, io.progress);
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...definedOnly(options.limits) };
  let result: ScanResult;
  try {
    result = await scanListing({
      ...listing,
      reader: guarded.reader,
      suffixes,
      schema,
      emitTextPdfMetadata: options.emitTextPdfMetadata,
      probeSettings: options.probeSettings,
      limits,
      now: () => new Date().toISOString(),
      onProgress: (key) => progress.tick(key),
    });
  } finally {
    progress.done();
  }
  guarded.check();
  for (const left of result.leftOut) io.stderr(`left out (${left.status}) ${left.key}: ${left.reason}\n`);
  const warned = new Set<string>();
  for (const record of result.records) {
    for (const line of warningLines(record)) {
      warned.add(line.note);
      io.stderr(`warning ${line.text}\n`);
    }
  }
  // A group's warnings also come as notes (`KEY: code: message`): shown once, above, with their path.
  for (const note of result.notes) if (!warned.has(note)) io.stderr(`note: ${note}\n`);
  const entries = result.files.reduce((n, f) => n + f.keys.length, 0);
  io.stderr(
    `scanned ${plural(result.records.length, "object")}: ${plural(entries, "entry", "entries")} in ${plural(result.files.length, "file")}, ${result.leftOut.length} left out\n`,
  );
  // An empty folder still gives a valid (empty) import file.
  const files = result.files.length > 0 ? result.files.map((f) => f.file) : [{ ...EMPTY_IMPORT }];
  return { ...result, texts: files.map((file) => serializeImportFile(file)) };
}

/** Each distinct warning of a record once, naming the record's key and the metadata key it is about. */
function warningLines(record: SluiceRecord): { text: string; note: string }[] {
  const seen = new Map<string, { text: string; note: string }>();
  // An incomplete group's `group-incomplete` is already the reason it is left out.
  for (const w of record.warnings.filter((w) => w.code !== "group-incomplete")) {
    const text = `${record.key}: ${describeIssue(w)}`;
    if (!seen.has(text)) seen.set(text, { text, note: `${record.key}: ${w.code}: ${w.message}` });
  }
  return [...seen.values()];
}

function describeIssue(issue: Issue): string {
  return issue.path ? `${issue.code} at ${issue.path}: ${issue.message}` : `${issue.code}: ${issue.message}`;
}

type Listing = Pick<Parameters<typeof scanListing>[0], "bucket" | "keys" | "reader" | "objectUrlOf">;

async function folderListing(options: ScanFolderOptions): Promise<Listing> {
  const info = await stat(options.dir).catch((error: unknown) => {
    throw new UsageError(`cannot scan ${options.dir}: ${describeFsError(error)}`);
  });
  if (!info.isDirectory()) throw new UsageError(`${options.dir} is not a folder`);
  const mapping = parseUrlBase(options.urlBase, options.dir);
  const found = await walkFolder(options.dir);
  return {
    bucket: mapping.bucket,
    keys: found.map((f) => mapping.keyPrefix + f.key),
    reader: createFolderReader(options.dir, mapping.keyPrefix),
    objectUrlOf: (key) => mapping.objectUrlOf(key.slice(mapping.keyPrefix.length)),
  };
}

/** An S3 prefix through the pipeline's own adapter; object URLs are the bucket's unless `--url-base` says. */
async function s3Listing(options: ScanFolderOptions, io: CliIo): Promise<Listing> {
  const source = openS3Source(
    options.dir,
    { endpoint: options.endpoint, urlBase: options.urlBase, timeoutSeconds: options.timeoutSeconds },
    io.env,
  );
  return {
    bucket: source.bucket,
    keys: await listAll(source),
    reader: source.store,
    objectUrlOf: source.objectUrlOf,
  };
}

const EMPTY_IMPORT = { skip_duplicate_urls: true, upsert_metadata: true } as const;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function definedOnly(limits: Partial<ImportLimits>): Partial<ImportLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}
