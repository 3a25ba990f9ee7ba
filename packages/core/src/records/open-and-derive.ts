import type { ByteSource } from "../bytes/byte-source";
import { createCachingByteSource, type ReadStats } from "../bytes/caching-byte-source";
import type { OpenedObject } from "../bytes/opened-object";
import { type DeriveRecordInput, deriveRecord, type MetadataFile, type ObjectRef } from "./derive";
import type { SluiceRecord } from "./record";

/**
 * What exists around one data object, and how to open it: a scan knows it from the listing it
 * already has, the pipeline asks storage (every sidecar a suffix could name, every `_defaults.json`
 * above the key, and `openMetadata` answers null for those that are not there).
 */
export interface ObjectSurroundings {
  /** Opens the data object itself. */
  openObject(key: string): Promise<OpenedObject>;
  /** Sidecars that may exist for the object, each with the suffix it would be found under. */
  sidecars: readonly { key: string; suffix: string }[];
  /** `_defaults.json` keys that may apply to the object, from the bucket root down. */
  defaults: readonly string[];
  /** Opens a sidecar or defaults file; null when it does not exist. */
  openMetadata(key: string): Promise<ByteSource | null>;
}

/** What a derivation is told besides the object: the same for every object of a scan or a page of work. */
export type DeriveSettings = Omit<DeriveRecordInput, "ref" | "source" | "sidecars" | "defaults">;

/**
 * Opens a data object with the metadata files around it and derives its record (`deriveRecord`),
 * the one path of the pipeline and `sluice scan`. Failures to open or read are thrown as they come:
 * the pipeline retries some and tombstones on others, the scan names them in the record it leaves out.
 */
export async function openAndDerive(
  ref: ObjectRef,
  around: ObjectSurroundings,
  settings: DeriveSettings,
): Promise<{ record: SluiceRecord; read: ReadStats }> {
  const object = await around.openObject(ref.key);
  // The metadata files are independent reads: asked at once, in their order.
  const [sidecars, defaults] = await Promise.all([
    Promise.all(
      around.sidecars.map(async ({ key, suffix }) => ({
        key,
        suffix,
        source: await around.openMetadata(key),
      })),
    ),
    Promise.all(around.defaults.map(async (key) => ({ key, source: await around.openMetadata(key) }))),
  ]);
  // One cache per object: typing and probing share reads, and no byte is fetched twice.
  const source = createCachingByteSource(object);
  const record = await deriveRecord({
    ...settings,
    ref: {
      ...ref,
      etag: object.etag ?? null,
      versionId: object.versionId ?? null,
      contentType: object.contentType,
    },
    source,
    sidecars: sidecars.flatMap((f): (MetadataFile & { suffix: string })[] =>
      f.source ? [{ ...f, source: f.source }] : [],
    ),
    defaults: defaults.flatMap((f): MetadataFile[] => (f.source ? [{ ...f, source: f.source }] : [])),
  });
  return { record, read: source.stats };
}
