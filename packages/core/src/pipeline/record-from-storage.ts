import type { ByteSource } from "../bytes/byte-source";
import { createCachingByteSource, type ReadStats } from "../bytes/caching-byte-source";
import { AccessDeniedError, NotFoundError } from "../errors";
import { type Issue, issue } from "../issues";
import type { JsonObject } from "../json";
import { defaultsKeysFor, sidecarKeysFor } from "../keys/classify-key";
import type { StoredRecord } from "../ports/record-store";
import { type ObjectSurroundings, openAndDerive } from "../records/open-and-derive";
import type { SluiceRecord } from "../records/record";
import { tombstone } from "../records/tombstone";
import { unreadableRecord } from "../records/unreadable-record";
import { membershipOf } from "./group-membership";
import type { PipelineDeps } from "./pipeline-deps";

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

/** A record derived from storage, and what reading the object cost (null when it was not read). */
export interface FromStorage {
  record: SluiceRecord | null;
  read: ReadStats | null;
}

/**
 * The record of one data object as storage holds it now, over the stored record `existing`, without
 * writing anything (a reimport's dry run shares it): the object with its metadata files, the API layer
 * and Encord's place kept from the stored record, and the group it belongs to. Null when there is
 * nothing to record (a missing object that was never recorded).
 */
export async function recordFromStorage(
  deps: PipelineDeps,
  key: string,
  existing: StoredRecord | null,
  options: DeriveOptions = {},
): Promise<FromStorage> {
  const current = existing?.apiLayer ?? null;
  const apiLayer = options.editApiLayer ? options.editApiLayer(current) : current;
  const { record: derived, read } = await readObject(deps, key, existing, apiLayer, options.defaultsCache);
  if (derived === null) return { record: null, read };
  const { apiLayer: _derivedLayer, groupKey: _derivedGroup, encord: _derivedPlace, ...rest } = derived;
  const withLayers: SluiceRecord = {
    ...rest,
    ...(apiLayer ? { apiLayer } : {}),
    // Where Encord has it is not derived from storage: kept as the poller wrote it.
    ...(existing?.encord ? { encord: existing.encord } : {}),
    warnings: [...derived.warnings, ...(options.warnings ?? [])],
  };
  const groupKey = await membershipOf(deps, { ...withLayers, groupKey: derived.groupKey });
  return { record: groupKey === undefined ? withLayers : { ...withLayers, groupKey }, read };
}

/**
 * Opens the object with the metadata files storage holds for it and derives its record. A missing
 * object tombstones its record (or there is nothing to record), a refused one is recorded unreadable;
 * anything else is thrown, to be retried.
 */
async function readObject(
  deps: PipelineDeps,
  key: string,
  existing: StoredRecord | null,
  apiLayer: JsonObject | null,
  defaultsCache = new Map<string, Promise<ByteSource | null>>(),
): Promise<FromStorage> {
  const { objects, settings } = deps;
  const ref = { bucket: objects.bucket, key, objectUrl: settings.objectUrlOf(key) };
  try {
    return await openAndDerive(ref, surroundingsInStorage(deps, key, defaultsCache), {
      apiLayer,
      schema: await deps.schema.get(),
      suffixes: settings.suffixes,
      emitTextPdfMetadata: settings.emitTextPdfMetadata,
      probeSettings: settings.probeSettings,
      now: deps.now(),
    });
  } catch (error) {
    if (error instanceof NotFoundError) {
      const why = issue("object-deleted", "the object was deleted; it leaves every later export");
      return { record: existing ? tombstone(existing, deps.now(), why) : null, read: null };
    }
    if (error instanceof AccessDeniedError)
      return { record: unreadableRecord(ref, deps.now(), error.message), read: null };
    throw error;
  }
}

/**
 * What may exist around a key in the bucket: every sidecar a suffix names and every `_defaults.json`
 * above it, each asked of storage (one HEAD in `open`); defaults come through the page's cache.
 */
function surroundingsInStorage(
  deps: PipelineDeps,
  key: string,
  defaultsCache: Map<string, Promise<ByteSource | null>>,
): ObjectSurroundings {
  const { suffixes } = deps.settings;
  const defaults = defaultsKeysFor(key);
  const isDefaults = new Set(defaults);
  const openIfPresent = async (k: string) => {
    try {
      return await deps.objects.open(k);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  };
  return {
    openObject: (k) => deps.objects.open(k),
    sidecars: sidecarKeysFor(key, suffixes).map((k, i) => ({ key: k, suffix: suffixes[i] ?? "" })),
    defaults,
    openMetadata(k) {
      if (!isDefaults.has(k)) return openIfPresent(k);
      const lookup =
        defaultsCache.get(k) ?? openIfPresent(k).then((o) => (o ? createCachingByteSource(o) : null));
      defaultsCache.set(k, lookup);
      return lookup;
    },
  };
}
