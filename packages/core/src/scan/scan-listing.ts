import type { ObjectReader, OpenedObject } from "../bytes/opened-object";
import { groupListing } from "../groups/scan-groups";
import { type BuiltImports, buildImports } from "../imports/build";
import type { ImportLimits } from "../imports/split";
import { compareKeys } from "../keys/compare-keys";
import type { MetadataSchema } from "../metadata/schema";
import type { DeriveRecordInput, ObjectRef } from "../records/derive";
import { openAndDerive } from "../records/open-and-derive";
import type { SluiceRecord } from "../records/record";
import { unreadableRecord } from "../records/unreadable-record";
import { applicableDefaults, type ListingPlan, planListing } from "./plan-listing";

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
    derived.push(await deriveOne(input, plan, key));
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

/** Derives one data object of the listing; whatever cannot be read makes it `invalid`, named with its reason. */
async function deriveOne(input: ScanListingInput, plan: ListingPlan, key: string): Promise<SluiceRecord> {
  const ref: ObjectRef = { bucket: input.bucket, key, objectUrl: input.objectUrlOf(key) };
  const opened: OpenedObject[] = [];
  const opener = (failure: (error: unknown) => string) => async (k: string) => {
    try {
      const object = await input.reader.open(k);
      opened.push(object);
      return object;
    } catch (error) {
      throw new ScanOpenError(failure(error), { cause: error });
    }
  };
  try {
    const around = {
      openObject: opener((error) => `cannot read ${key}: ${messageOf(error)}`),
      sidecars: plan.sidecars.get(key) ?? [],
      defaults: applicableDefaults(plan, key),
      openMetadata: opener((error) => `cannot read its metadata: ${messageOf(error)}`),
    };
    const { record } = await openAndDerive(ref, around, {
      schema: input.schema,
      suffixes: input.suffixes,
      emitTextPdfMetadata: input.emitTextPdfMetadata,
      probe: input.probe,
      probeSettings: input.probeSettings,
      now: input.now(),
    });
    return record;
  } catch (error) {
    const message =
      error instanceof ScanOpenError ? error.message : `reading ${key} failed: ${messageOf(error)}`;
    return unreadableRecord(ref, input.now(), message);
  } finally {
    await Promise.all(opened.map((o) => o.close?.()));
  }
}

/** A file of the listing that could not be opened: the scan records it and goes on. */
class ScanOpenError extends Error {
  override readonly name = "ScanOpenError";
  readonly retryable = false;
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
