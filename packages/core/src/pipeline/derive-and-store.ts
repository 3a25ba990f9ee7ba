import type { ByteSource } from "../bytes/byte-source";
import { createCachingByteSource, type ReadStats } from "../bytes/caching-byte-source";
import { AccessDeniedError, NotFoundError, TransientError, WriteConflictError } from "../errors";
import { type Issue, issue } from "../issues";
import { type JsonObject, stableStringify } from "../json";
import { defaultsKeysFor, sidecarKeysFor } from "../keys/classify-key";
import { normalizeSequencer } from "../keys/sequencer";
import type { StoredRecord } from "../ports/ports";
import { deriveRecord, type MetadataFile } from "../records/derive";
import type { SluiceRecord } from "../records/record";
import { unreadableRecord } from "../scan/scan-listing";
import { memberExport, membershipOf, queueAssembly } from "./group-membership";
import type { DeriveOutcome, PipelineDeps } from "./pipeline-deps";

/** The source key whose event caused a derivation, and that event's sequencer. */
export interface Trigger {
  source: string;
  sequencer: string;
}

/** Extras for one derivation. */
export interface DeriveOptions {
  /** Warnings to add to the record (which form of an event key was used). */
  warnings?: readonly Issue[];
  /**
   * Defaults files already looked up, shared by the derivations of one page of work, so that a
   * page under one folder reads each `_defaults.json` once rather than once per object.
   */
  defaultsCache?: Map<string, Promise<ByteSource | null>>;
  /**
   * Computes the API layer from the stored one (absent: keep it). A function, so that a write that
   * loses a race applies the edit to the layer that won rather than overwriting it.
   */
  editApiLayer?: (current: JsonObject | null) => JsonObject | null;
}

const MAX_ATTEMPTS = 5;

/**
 * Re-derives the record of one data object from the current state of storage and writes it with
 * a conditional write: an event whose sequencer for its source key is not newer than the stored one
 * changes nothing, and a lost race re-reads and derives again. The record converges on
 * "latest data + latest sidecar + latest defaults" whatever order events arrive in.
 */
export async function deriveAndStore(
  deps: PipelineDeps,
  key: string,
  trigger: Trigger,
  options: DeriveOptions = {},
): Promise<DeriveOutcome> {
  const sequencer = normalizeSequencer(trigger.sequencer);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const existing = await deps.records.get(deps.objects.bucket, key);
    const applied = existing?.sequencers[trigger.source];
    if (applied !== undefined && applied >= sequencer) {
      // A redelivered event whose first delivery failed to queue its assembly queues it now.
      if (existing) await queueAssembly(deps, existing);
      return observed(deps, key, "stale", null, null);
    }
    const { record: derived, read } = await deriveCurrent(deps, key, existing, options);
    if (derived === null) return observed(deps, key, "ignored", null, read);
    const next = nextRecord(existing, derived, { [trigger.source]: sequencer });
    try {
      await deps.records.put(next, existing?.revision ?? null);
    } catch (error) {
      if (error instanceof WriteConflictError) continue;
      throw error;
    }
    if (!(existing && sameContent(existing, derived))) {
      await queueAssembly(deps, derived);
      if (existing?.groupKey !== undefined && existing.groupKey !== derived.groupKey)
        await queueAssembly(deps, existing);
    }
    const outcome =
      derived.status === "deleted"
        ? "tombstoned"
        : existing && sameContent(existing, derived)
          ? "unchanged"
          : "written";
    return observed(deps, key, outcome, next, read, next.revision);
  }
  throw new TransientError(`gave up on ${key} after ${MAX_ATTEMPTS} conflicting writes`);
}

/**
 * Derives the record of one data object from storage as it is now, over the stored record `existing`,
 * without writing anything (a reimport's dry run shares it); null when there is nothing to record.
 */
export async function deriveCurrent(
  deps: PipelineDeps,
  key: string,
  existing: StoredRecord | null,
  options: DeriveOptions = {},
): Promise<{ record: SluiceRecord | null; read: ReadStats | null }> {
  const current = existing?.apiLayer ?? null;
  const apiLayer = options.editApiLayer ? options.editApiLayer(current) : current;
  const derived = await deriveFromStorage(deps, key, existing, apiLayer, options.defaultsCache);
  if (derived.record === null) return derived;
  if (apiLayer) derived.record.apiLayer = apiLayer;
  else delete derived.record.apiLayer;
  // Where Encord has it is not derived from storage: kept as the poller wrote it.
  if (existing?.encord) derived.record.encord = existing.encord;
  derived.record.warnings.push(...(options.warnings ?? []));
  const groupKey = await membershipOf(deps, derived.record);
  if (groupKey === undefined) delete derived.record.groupKey;
  else derived.record.groupKey = groupKey;
  return derived;
}

function observed(
  deps: PipelineDeps,
  key: string,
  outcome: DeriveOutcome,
  record: SluiceRecord | null,
  read: ReadStats | null,
  revision?: number,
): DeriveOutcome {
  deps.observe?.({ key, outcome, record, read, ...(revision === undefined ? {} : { revision }) });
  return outcome;
}

/** Reads the object, its sidecars and defaults as they are now; null when there is nothing to record. */
async function deriveFromStorage(
  deps: PipelineDeps,
  key: string,
  existing: StoredRecord | null,
  apiLayer: JsonObject | null,
  defaultsCache = new Map<string, Promise<ByteSource | null>>(),
): Promise<{ record: SluiceRecord | null; read: ReadStats | null }> {
  const { objects, settings } = deps;
  const ref = { bucket: objects.bucket, key, objectUrl: settings.objectUrlOf(key) };
  try {
    const opened = await objects.open(key);
    const source = createCachingByteSource(opened);
    const { sidecars, defaults } = await openMetadataFiles(deps, key, defaultsCache);
    const record = await deriveRecord({
      ref: {
        ...ref,
        etag: opened.etag ?? null,
        versionId: opened.versionId ?? null,
        contentType: opened.contentType,
      },
      source,
      sidecars,
      defaults,
      apiLayer,
      schema: await deps.records.getSchema(),
      suffixes: settings.suffixes,
      emitTextPdfMetadata: settings.emitTextPdfMetadata,
      probeSettings: settings.probeSettings,
      now: deps.now(),
    });
    return { record, read: source.stats };
  } catch (error) {
    if (error instanceof NotFoundError)
      return { record: existing ? tombstone(existing, deps.now()) : null, read: null };
    if (error instanceof AccessDeniedError)
      return { record: unreadableRecord(ref, deps.now(), error.message), read: null };
    throw error;
  }
}

/** The sidecars and folder defaults that exist for a key; defaults come through the page's cache. */
async function openMetadataFiles(
  deps: PipelineDeps,
  key: string,
  defaultsCache: Map<string, Promise<ByteSource | null>>,
): Promise<{ sidecars: (MetadataFile & { suffix: string })[]; defaults: MetadataFile[] }> {
  const { suffixes } = deps.settings;
  const sidecars: (MetadataFile & { suffix: string })[] = [];
  for (const [i, sidecarKey] of sidecarKeysFor(key, suffixes).entries()) {
    const opened = await openIfPresent(deps, sidecarKey);
    if (opened) sidecars.push({ key: sidecarKey, suffix: suffixes[i] ?? "", source: opened });
  }
  const defaults: MetadataFile[] = [];
  for (const defaultsKey of defaultsKeysFor(key)) {
    let lookup = defaultsCache.get(defaultsKey);
    if (!lookup) {
      lookup = openIfPresent(deps, defaultsKey).then((o) => (o ? createCachingByteSource(o) : null));
      defaultsCache.set(defaultsKey, lookup);
    }
    const opened = await lookup;
    if (opened) defaults.push({ key: defaultsKey, source: opened });
  }
  return { sidecars, defaults };
}

/** Opens a metadata file, or null when it does not exist (open does the one HEAD). */
async function openIfPresent(deps: PipelineDeps, key: string) {
  try {
    return await deps.objects.open(key);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** A deleted object's record: it keeps what it was, and leaves every later export. */
function tombstone(existing: StoredRecord, now: string): SluiceRecord {
  const { revision: _revision, sequencers: _sequencers, ...record } = existing;
  return {
    ...record,
    status: "deleted",
    importEntry: null,
    errors: [],
    warnings: [issue("object-deleted", "the object was deleted; it leaves every later export")],
    updatedAt: now,
    export: { state: "held" },
  };
}

/** The stored record that follows `existing`: export state kept when nothing Encord sees changed. */
function nextRecord(
  existing: StoredRecord | null,
  derived: SluiceRecord,
  sequencers: Record<string, string>,
): StoredRecord {
  const merged = { ...(existing?.sequencers ?? {}), ...sequencers };
  const revision = (existing?.revision ?? 0) + 1;
  if (existing && sameContent(existing, derived)) {
    return { ...existing, revision, sequencers: merged };
  }
  const sameEntry =
    existing !== null && stableStringify(existing.importEntry) === stableStringify(derived.importEntry);
  const exportState =
    derived.groupKey !== undefined && derived.status !== "deleted"
      ? memberExport(existing)
      : derived.status !== "ready"
        ? { state: "held" as const }
        : sameEntry && existing && existing.export.state !== "held"
          ? existing.export
          : { state: "pending" as const };
  if (
    existing &&
    derived.status === "ready" &&
    existing.export.state === "exported" &&
    existing.etag !== derived.etag
  ) {
    // Only what Encord registered can be stale: the entry's media blocks, not Sluice's own fields
    // (coded size, omitted reasons) that a newer Sluice may add to the same file's mediaMetadata.
    if (
      stableStringify(mediaBlocksOf(existing.importEntry)) !==
      stableStringify(mediaBlocksOf(derived.importEntry))
    ) {
      derived.warnings.push(
        issue(
          "encord-media-stale",
          "re-uploaded with different media metadata; Encord keeps the first registration's",
        ),
      );
    }
  }
  return { ...derived, export: exportState, revision, sequencers: merged };
}

/** The media blocks of an import entry (`videoMetadata`, `imageMetadata`, …): what Encord registers. */
function mediaBlocksOf(entry: JsonObject | null): JsonObject {
  const blocks: JsonObject = {};
  for (const [name, value] of Object.entries(entry ?? {})) {
    if (name.endsWith("Metadata") && name !== "clientMetadata" && value !== undefined) blocks[name] = value;
  }
  return blocks;
}

/** Whether a derivation changed anything of the stored record but its time. */
export function sameContent(existing: StoredRecord, derived: SluiceRecord): boolean {
  const { revision: _r, sequencers: _s, updatedAt: _u, export: _e, ...before } = existing;
  const { updatedAt: _u2, export: _e2, ...after } = derived;
  return stableStringify(before) === stableStringify(after);
}
