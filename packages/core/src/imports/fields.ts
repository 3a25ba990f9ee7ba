import { z } from "zod";

/**
 * Field-level schemas of the Encord import JSON: object URLs, titles and the media blocks
 * (encord-import-format.md §1, §2).
 */

/** Encord accepts object URLs of up to 16 KB (encord-import-format.md §6.2). */
export const MAX_OBJECT_URL_BYTES = 16 * 1024;

/** Encord accepts titles and file names of up to 300 characters (encord-import-format.md §6.2). */
export const MAX_TITLE_LENGTH = 300;

const utf8 = new TextEncoder();

function isHttpsUrl(url: string): boolean {
  // `https:host` parses as `https://host/`; insist on the form Encord documents.
  return /^https:\/\/[^/?#]+/.test(url) && URL.canParse(url);
}

/** An `objectUrl`: https, no whitespace (Encord rejects it), at most 16 KB of UTF-8. */
export const ObjectUrlSchema = z
  .string()
  .regex(/^\S+$/, "must not contain whitespace")
  .refine(isHttpsUrl, "must be an https URL")
  .refine((url) => utf8.encode(url).byteLength <= MAX_OBJECT_URL_BYTES, "must be at most 16 KB");

/** A title: non-empty, at most 300 Unicode code points (the unit `titleFor` counts in). */
export const TitleSchema = z
  .string()
  .min(1)
  .refine((title) => [...title].length <= MAX_TITLE_LENGTH, "must be at most 300 characters");

const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const mimeType = z.string().min(1);

/** `videoMetadata`: snake_case in the JSON-file route, all six fields required (§2.1). */
export const VideoMetadataSchema = z.strictObject({
  fps: z.number().finite().positive(),
  duration: z.number().finite().nonnegative(),
  width: positiveInt,
  height: positiveInt,
  file_size: count,
  mime_type: mimeType,
});
export type VideoMetadata = z.infer<typeof VideoMetadataSchema>;

/** `audioMetadata`: snake_case, all seven fields required (§2.2). */
export const AudioMetadataSchema = z.strictObject({
  duration: z.number().finite().nonnegative(),
  file_size: count,
  mime_type: mimeType,
  sample_rate: positiveInt,
  bit_depth: positiveInt,
  codec: z.string().min(1),
  num_channels: positiveInt,
});
export type AudioMetadata = z.infer<typeof AudioMetadataSchema>;

/** `imageMetadata`: camelCase, unlike the video and audio blocks (§2.3). */
export const ImageMetadataSchema = z.strictObject({
  mimeType,
  fileSize: count,
  width: positiveInt,
  height: positiveInt,
});
export type ImageMetadata = z.infer<typeof ImageMetadataSchema>;

/** `textMetadata`: camelCase assumed, the casing is unconfirmed (§2.7). */
export const TextMetadataSchema = z.strictObject({ fileSize: count, mimeType });
export type TextMetadata = z.infer<typeof TextMetadataSchema>;

/** `pdfMetadata`: camelCase assumed, the casing is unconfirmed (§2.7). */
export const PdfMetadataSchema = z.strictObject({ fileSize: count, numPages: positiveInt });
export type PdfMetadata = z.infer<typeof PdfMetadataSchema>;
