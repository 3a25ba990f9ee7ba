import { z } from "zod";

/**
 * Technical metadata measured from an object's bytes. Every field is optional: a probe sets only
 * what it measured, and an Encord media block is emitted only when all of its fields are here.
 */
export const MediaMetadataSchema = z.object({
  fileSize: z.number().int().nonnegative(),
  mimeType: z.string().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  fps: z.number().positive().optional(),
  duration: z.number().nonnegative().optional(),
  sampleRate: z.number().int().positive().optional(),
  bitDepth: z.number().int().positive().optional(),
  codec: z.string().optional(),
  /** Degrees a video's display matrix turns it (ffprobe's sign); width and height are already as displayed. */
  rotation: z.number().int().optional(),
  /**
   * A video's stored frame size, set when the displayed width and height differ from it (a sample
   * aspect ratio, a display size or a rotation applied); Encord receives only the displayed size.
   */
  codedWidth: z.number().int().positive().optional(),
  codedHeight: z.number().int().positive().optional(),
  numChannels: z.number().int().positive().optional(),
  numPages: z.number().int().positive().optional(),
  charset: z.string().optional(),
  /** Header fields of a DICOM file, for grouping into series. */
  dicom: z
    .object({
      seriesInstanceUid: z.string().optional(),
      studyInstanceUid: z.string().optional(),
      sopInstanceUid: z.string().optional(),
      instanceNumber: z.number().optional(),
      modality: z.string().optional(),
      seriesDescription: z.string().optional(),
    })
    .optional(),
  /** Why a block was left out: `{ block: "videoMetadata", reason: "..." }`. */
  omitted: z.array(z.object({ block: z.string(), reason: z.string() })).optional(),
});
export type MediaMetadata = z.infer<typeof MediaMetadataSchema>;
