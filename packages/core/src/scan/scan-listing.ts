import type { ByteSource } from "../bytes/byte-source";
import { createCachingByteSource } from "../bytes/caching-byte-source";
import { groupListing } from "../groups/scan-groups";
import { type BuiltImports, buildImports } from "../imports/build";
import type { ImportLimits } from "../imports/split";
import { issue } from "../issues";
import type { MetadataSchema } from "../metadata/schema";
import {
  type DeriveRecordInput,
  deriveRecord,
  emptyRecord,
  type MetadataFile,
  type ObjectRef,
} from "../records/derive";
import type { SluiceRecord } from "../records/record";
import { applicableDefaults, compareKeys, planListing } from "./plan-listing";

/** An object opened for reading, with what storage says about it. */
export interface OpenedObject extends ByteSource {
  etag?: string | null;
  versionId?: string | null;
  contentType?: string | null;
  close?(): Promise<void>;
}

/** Storage as a scan sees it: open an object by key (a local folder or an S3 prefix). */
export interface ObjectReader {
  open(key: string): Promise<OpenedObject>;
}

/** What a scan of a listing needs. */
export interface ScanListingInput {
  bucket: string;
  keys: readonly string[];
  reader: ObjectReader;
  objectUrlOf(key: string): string;
  suffixes: readonly string[];
  schema: MetadataSchema | null;
  emitTextPdfMetadata: boolean;
  limits: ImportLimits;
  probe?: DeriveRecordInput["probe"];
  probeSettings?: DeriveRecordInput["probeSettings"];
  now(): string;
  onProgress?(key: string): void;
}

/** The records and import files of a scan, and each object left out with its reason. */
export interface ScanResult {
  records: SluiceRecord[];
  files: BuiltImports["files"];
  leftOut: { key: string; status: SluiceRecord["status"]; reason: string }[];
  notes: string[];
}

/** Derives a record for every data object in a listing and builds the import files from them. */
export async function scanListing(input: ScanListingInput): Promise<ScanResult> {
  const plan = planListing(input.keys, input.suffixes);
  const derived: SluiceRecord[] = [];
  for (const key of plan.dataKeys) {
    derived.push(await deriveOne(input, key, plan.sidecars.get(key) ?? [], applicableDefaults(plan, key)));
    input.onProgress?.(key);
  }
  const grouped = await groupListing({
    bucket: input.bucket,
    plan,
    records: derived,
    reader: input.reader,
    objectUrlOf: input.objectUrlOf,
    schema: input.schema,
    now: input.now(),
  });
  const built = buildImports(grouped.records, input.limits);
  const records = [...built.records].sort((a, b) => compareKeys(a.key, b.key));
  const leftOut = records
    .filter((r) => r.status !== "ready")
    .map((r) => ({ key: r.key, status: r.status, reason: reasonOf(r) }));
  const notes = [
    ...plan.orphanSidecars.map((key) => `${key}: sidecar without its data object; ignored`),
    ...grouped.notes,
  ];
  return { records, files: built.files, leftOut, notes };
}

/** Why a record is left out: its errors, or for an incomplete group what it still lacks. */
function reasonOf(record: SluiceRecord): string {
  const issues =
    record.errors.length > 0 ? record.errors : record.warnings.filter((w) => w.code === "group-incomplete");
  return issues.map((e) => describeIssue(e)).join("; ");
}

async function deriveOne(
  input: ScanListingInput,
  key: string,
  sidecarRefs: { key: string; suffix: string }[],
  defaultsKeys: string[],
): Promise<SluiceRecord> {
  const ref: ObjectRef = { bucket: input.bucket, key, objectUrl: input.objectUrlOf(key) };
  const opened: OpenedObject[] = [];
  const open = async (k: string) => {
    const object = await input.reader.open(k);
    opened.push(object);
    return object;
  };
  try {
    let source: OpenedObject;
    try {
      source = await open(key);
    } catch (error) {
      return unreadableRecord(ref, input.now(), `cannot read ${key}: ${messageOf(error)}`);
    }
    const metadataFiles: MetadataFile[] = [];
    const sidecars: (MetadataFile & { suffix: string })[] = [];
    try {
      for (const k of defaultsKeys) metadataFiles.push({ key: k, source: await open(k) });
      for (const s of sidecarRefs) sidecars.push({ key: s.key, suffix: s.suffix, source: await open(s.key) });
    } catch (error) {
      return unreadableRecord(ref, input.now(), `cannot read its metadata: ${messageOf(error)}`);
    }
    return await deriveRecord({
      ref: {
        ...ref,
        etag: source.etag ?? null,
        versionId: source.versionId ?? null,
        contentType: source.contentType,
      },
      // One cache per object: typing and probing share reads, and no byte is fetched twice.
      source: createCachingByteSource(source),
      sidecars,
      defaults: metadataFiles,
      schema: input.schema,
      suffixes: input.suffixes,
      emitTextPdfMetadata: input.emitTextPdfMetadata,
      probe: input.probe,
      probeSettings: input.probeSettings,
      now: input.now(),
    });
  } catch (error) {
    return unreadableRecord(ref, input.now(), `reading ${key} failed: ${messageOf(error)}`);
  } finally {
    await Promise.all(opened.map((o) => o.close?.()));
  }
}

/** A record for an object that could not be read: `invalid`, with the reason. */
export function unreadableRecord(ref: ObjectRef, now: string, message: string): SluiceRecord {
  const record = emptyRecord(ref, now);
  return {
    ...record,
    status: "invalid",
    errors: [issue("object-unreadable", message)],
    export: { state: "held" },
  };
}

function describeIssue(e: { code: string; message: string; path?: string }): string {
  return e.path ? `${e.code} at ${e.path}: ${e.message}` : `${e.code}: ${e.message}`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") {
    if (error.code === "EACCES" || error.code === "EPERM") return "permission denied";
    if (error.code === "ENOENT") return "no such file";
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}
