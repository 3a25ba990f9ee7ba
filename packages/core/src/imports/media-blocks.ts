import type { MediaMetadata } from "../records/media-metadata";
import type { AudioMetadata, ImageMetadata, PdfMetadata, TextMetadata, VideoMetadata } from "./fields";

/** A media block left out of an entry, and why. */
export type OmittedBlock = { block: string; reason: string };

type Field = keyof MediaMetadata;
type Measured<F extends Field> = MediaMetadata & { [K in F]-?: NonNullable<MediaMetadata[K]> };

function hasAll<F extends Field>(media: MediaMetadata | null, fields: readonly F[]): media is Measured<F> {
  return media !== null && fields.every((field) => media[field] !== undefined);
}

/** Builds a block when every field was measured, else records why it is left out. */
function measured<F extends Field, B>(
  block: string,
  fields: readonly F[],
  build: (media: Measured<F>) => B,
): (media: MediaMetadata | null, omitted: OmittedBlock[]) => B | undefined {
  return (media, omitted) => {
    // A block the probe already left out (its reason is in `media.omitted`) stays out, unrepeated.
    if (media?.omitted?.some((entry) => entry.block === block)) return undefined;
    if (hasAll(media, fields)) return build(media);
    const missing = fields.filter((field) => media?.[field] === undefined);
    omitted.push({ block, reason: `not measured: ${missing.join(", ")}` });
    return undefined;
  };
}

/** `videoMetadata` from measured media metadata, or undefined with the reason pushed to `omitted`. */
export const videoMetadataBlock = measured(
  "videoMetadata",
  ["fps", "duration", "width", "height", "fileSize", "mimeType"],
  (m): VideoMetadata => ({
    fps: m.fps,
    duration: m.duration,
    width: m.width,
    height: m.height,
    file_size: m.fileSize,
    mime_type: m.mimeType,
  }),
);

/** `audioMetadata` from measured media metadata, or undefined with the reason pushed to `omitted`. */
export const audioMetadataBlock = measured(
  "audioMetadata",
  ["duration", "sampleRate", "bitDepth", "codec", "numChannels", "fileSize", "mimeType"],
  (m): AudioMetadata => ({
    duration: m.duration,
    file_size: m.fileSize,
    mime_type: m.mimeType,
    sample_rate: m.sampleRate,
    bit_depth: m.bitDepth,
    codec: m.codec,
    num_channels: m.numChannels,
  }),
);

/** `imageMetadata` from measured media metadata, or undefined with the reason pushed to `omitted`. */
export const imageMetadataBlock = measured(
  "imageMetadata",
  ["width", "height", "fileSize", "mimeType"],
  (m): ImageMetadata => ({ mimeType: m.mimeType, fileSize: m.fileSize, width: m.width, height: m.height }),
);

/** `textMetadata` from measured media metadata, or undefined with the reason pushed to `omitted`. */
export const textMetadataBlock = measured(
  "textMetadata",
  ["fileSize", "mimeType"],
  (m): TextMetadata => ({ fileSize: m.fileSize, mimeType: m.mimeType }),
);

/** `pdfMetadata` from measured media metadata, or undefined with the reason pushed to `omitted`. */
export const pdfMetadataBlock = measured(
  "pdfMetadata",
  ["fileSize", "numPages"],
  (m): PdfMetadata => ({ fileSize: m.fileSize, numPages: m.numPages }),
);
