import type { ByteSource } from "../bytes/byte-source";
import { HEAD_BYTES } from "../bytes/head-bytes";
import { buildImportEntry } from "../imports/entry";
import { ImportEntrySchema } from "../imports/format";
import { titleFor } from "../imports/title";
import { type Issue, issue } from "../issues";
import type { JsonObject } from "../json";
import { mergeMetadata } from "../metadata/merge";
import type { MetadataSchema } from "../metadata/schema";
import { chooseSidecar, MAX_SIDECAR_BYTES, parseDefaults, parseSidecar } from "../metadata/sidecar";
import { validateClientMetadata } from "../metadata/validate";
import { probeMedia } from "../probes/probe-media";
import { DEFAULT_PROBE_SETTINGS, type ProbeOutcome, type ProbeSettings } from "../probes/probe-types";
import { unitTypeOf } from "../typing/data-type";
import { inferDataType, type TypeInference } from "../typing/infer-type";
import type { MediaMetadata } from "./media-metadata";
import type { SluiceRecord } from "./record";

/** An object as storage describes it. */
export interface ObjectRef {
  bucket: string;
  key: string;
  objectUrl: string;
  etag?: string | null;
  versionId?: string | null;
  contentType?: string | null;
}

/** A JSON file that contributes metadata: a sidecar or a `_defaults.json`. */
export interface MetadataFile {
  key: string;
  source: ByteSource;
}

/** Measures technical metadata of a typed object; the default is the probe for its MIME type. */
export type Probe = (source: ByteSource, type: Extract<TypeInference, { ok: true }>) => Promise<ProbeOutcome>;

/** Everything `deriveRecord` needs, I/O included, so that the function itself stays pure. */
export interface DeriveRecordInput {
  ref: ObjectRef;
  source: ByteSource;
  /** Sidecars that exist for this object, with the suffix each was found under. */
  sidecars: (MetadataFile & { suffix: string })[];
  /** Folder defaults that apply, from the bucket root down to the object's folder. */
  defaults: MetadataFile[];
  /** A layer written through the API, above the sidecar. */
  apiLayer?: JsonObject | null;
  schema: MetadataSchema | null;
  suffixes: readonly string[];
  emitTextPdfMetadata: boolean;
  probe?: Probe;
  probeSettings?: ProbeSettings;
  /** ISO 8601 time of the derivation, from the caller's clock. */
  now: string;
}

/** A record that holds only what storage said about the object: the start of every derivation. */
export function emptyRecord(ref: ObjectRef, now: string): SluiceRecord {
  return {
    bucket: ref.bucket,
    key: ref.key,
    objectUrl: ref.objectUrl,
    dataType: null,
    status: "ready",
    title: titleFor(ref.key),
    clientMetadata: {},
    provenance: {},
    mediaMetadata: null,
    sidecarKey: null,
    etag: ref.etag ?? null,
    versionId: ref.versionId ?? null,
    errors: [],
    warnings: [],
    updatedAt: now,
    importEntry: null,
    export: { state: "pending" },
  };
}

/** Types, probes and pairs one data object with its metadata, and returns its record. */
export async function deriveRecord(input: DeriveRecordInput): Promise<SluiceRecord> {
  const { ref } = input;
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const base = { ...emptyRecord(ref, input.now), errors, warnings };

  const head = await input.source.read(0, HEAD_BYTES);
  const type = await inferDataType({ head, key: ref.key, contentType: ref.contentType ?? null });
  if (!type.ok) {
    errors.push(issue(type.code, type.reason));
    return { ...base, status: "skipped", export: { state: "held" } };
  }
  warnings.push(...type.warnings);
  const settings = input.probeSettings ?? DEFAULT_PROBE_SETTINGS;
  const probed = await (input.probe ?? ((source, t) => probeMedia(source, t, settings)))(input.source, type);
  errors.push(...probed.errors);
  warnings.push(...probed.warnings);
  const mediaMetadata: MediaMetadata = {
    ...probed.media,
    fileSize: input.source.size,
    mimeType: type.mimeType,
  };
  if (probed.omitted.length > 0) mediaMetadata.omitted = probed.omitted;
  const record: SluiceRecord = { ...base, dataType: type.dataType, mediaMetadata };

  const layers: { source: string; metadata: JsonObject }[] = [];
  for (const file of input.defaults) {
    const parsed =
      file.source.size > MAX_SIDECAR_BYTES
        ? tooLarge(file, "defaults")
        : parseDefaults(await readAll(file), file.key);
    if (!parsed.ok) errors.push(parsed.error);
    else {
      warnings.push(...parsed.warnings);
      layers.push({ source: file.key, metadata: parsed.clientMetadata });
    }
  }
  const chosen = chooseSidecar(input.sidecars, input.suffixes);
  warnings.push(...chosen.warnings);
  if (chosen.sidecar) {
    const file = chosen.sidecar;
    record.sidecarKey = file.key;
    const parsed =
      file.source.size > MAX_SIDECAR_BYTES
        ? tooLarge(file, "sidecar")
        : parseSidecar(await readAll(file), file.key);
    if (!parsed.ok) errors.push(parsed.error);
    else {
      warnings.push(...parsed.warnings);
      layers.push({ source: file.key, metadata: parsed.clientMetadata });
      if (parsed.title !== undefined) record.title = parsed.title;
    }
  }
  if (input.apiLayer) layers.push({ source: "api", metadata: input.apiLayer });

  const merged = mergeMetadata(layers);
  record.clientMetadata = merged.clientMetadata;
  record.provenance = merged.provenance;
  const validation = validateClientMetadata(merged.clientMetadata, input.schema);
  errors.push(...validation.errors.map(({ code, message, path }) => issue(code, message, path)));
  warnings.push(...validation.warnings);

  const built = buildImportEntry(
    {
      unitType: unitTypeOf(type.dataType),
      title: record.title,
      clientMetadata: record.clientMetadata,
      objectUrl: ref.objectUrl,
      media: mediaMetadata,
    },
    { emitTextPdfMetadata: input.emitTextPdfMetadata },
  );
  if (built.omitted.length > 0) {
    record.mediaMetadata = {
      ...mediaMetadata,
      omitted: [...(mediaMetadata.omitted ?? []), ...built.omitted],
    };
  }
  // The entry must pass the import format itself (title length, URL shape) before the record is ready.
  const checked = ImportEntrySchema.safeParse({ importKey: built.importKey, entry: built.entry });
  if (!checked.success) {
    for (const problem of checked.error.issues) {
      const path = problem.path.slice(1).join(".");
      errors.push(issue("invalid-import-entry", problem.message, path || undefined));
    }
  }
  if (errors.length > 0) return { ...record, status: "invalid", export: { state: "held" } };
  return { ...record, importEntry: checked.success ? checked.data.entry : null };
}

async function readAll(file: MetadataFile): Promise<Uint8Array> {
  return file.source.read(0, file.source.size);
}

/** The size error for a metadata file over the limit, found without reading it. */
function tooLarge(file: MetadataFile, kind: "sidecar" | "defaults"): { ok: false; error: Issue } {
  const name = kind === "sidecar" ? "Sidecar" : "Folder defaults";
  const message = `${name} ${file.key} is ${file.source.size} bytes; the limit is ${MAX_SIDECAR_BYTES} (10 MB)`;
  return { ok: false, error: issue(`${kind}-too-large`, message) };
}
