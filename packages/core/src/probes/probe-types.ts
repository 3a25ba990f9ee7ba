import type { ByteSource } from "../bytes/byte-source";
import type { Issue } from "../issues";
import type { MediaMetadata } from "../records/media-metadata";

/** Measured fields: a probe sets only what it measured (design.md "Measured or omitted"). */
export type MeasuredFields = Omit<MediaMetadata, "fileSize" | "mimeType" | "omitted">;

/**
 * What a probe found. `errors` mean the bytes are not a readable file of the type (truncated,
 * corrupt header): the record becomes `invalid`. `omitted` names a block that cannot be complete
 * with the reason (a WebM without Duration), which is not an error.
 */
export interface ProbeOutcome {
  media: MeasuredFields;
  errors: Issue[];
  warnings: Issue[];
  omitted: { block: string; reason: string }[];
}

/** Settings every probe may read. */
export interface ProbeSettings {
  /** `bit_depth` reported for lossy audio, which stores none: the depth decoders deliver. */
  lossyBitDepth: number;
}

export const DEFAULT_PROBE_SETTINGS: ProbeSettings = { lossyBitDepth: 16 };

/** Measures one kind of file through ranged reads; never throws. */
export type MediaProbe = (source: ByteSource, settings: ProbeSettings) => Promise<ProbeOutcome>;

/** An outcome with nothing measured and nothing wrong. */
export function emptyOutcome(): ProbeOutcome {
  return { media: {}, errors: [], warnings: [], omitted: [] };
}
