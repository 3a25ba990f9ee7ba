import { createMemoryByteSource } from "../../packages/core/src/bytes/byte-source";
import { objectUrlFor } from "../../packages/core/src/keys/object-url";
import { deriveRecord } from "../../packages/core/src/records/derive";
import type { SluiceRecord } from "../../packages/core/src/records/record";

/** The record `deriveRecord` gives one file alone under `key` (no sidecar, no defaults, no schema). */
export function deriveFileRecord(
  key: string,
  bytes: Uint8Array,
  options: { emitTextPdfMetadata?: boolean } = {},
): Promise<SluiceRecord> {
  return deriveRecord({
    ref: { bucket: "b", key, objectUrl: objectUrlFor({ bucket: "b", region: "eu-west-1", key }) },
    source: createMemoryByteSource(bytes),
    sidecars: [],
    defaults: [],
    schema: null,
    suffixes: [".metadata.json"],
    emitTextPdfMetadata: options.emitTextPdfMetadata ?? false,
    now: "2026-01-01T00:00:00.000Z",
  });
}
