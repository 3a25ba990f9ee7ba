import { z } from "zod";
import { isJsonObject } from "../json";
import { ENCORD_IMPORT_KEYS, type EncordImportKey } from "../typing/data-type";
import { ClientMetadataSchema } from "./encord-namespace";
import {
  AudioMetadataSchema,
  ImageMetadataSchema,
  ObjectUrlSchema,
  PdfMetadataSchema,
  TextMetadataSchema,
  TitleSchema,
  VideoMetadataSchema,
} from "./fields";

type ClientMetadata = z.infer<typeof ClientMetadataSchema>;

/**
 * `clientMetadata` of an entry read back from storage: it was validated when its record was written,
 * so only its top level is checked; walking it again on every read cost 79 s on one record (issue 14).
 */
const StoredClientMetadataSchema = z.custom<ClientMetadata>(isJsonObject, {
  error: "clientMetadata must be a JSON object",
});

/** The numbered file keys of a group: `objectUrl_0`, `objectUrl_1`, ... */
export type ObjectUrlKey = `objectUrl_${number}`;

// Zod cannot type "known fields plus numbered keys", so the group types are written out, and the
// schemas check every other key's value as an URL, then that the keys are objectUrl_0..objectUrl_n.
/** One `image_groups[]` item: an image group, or an image sequence when `createVideo` is true. */
export type ImageGroupItem = { title: string; createVideo?: boolean; clientMetadata?: ClientMetadata } & {
  [key: ObjectUrlKey]: string;
};

/** One `dicom_series[]` item: one series, its files as numbered URLs. */
export type DicomSeriesItem = { title: string; clientMetadata?: ClientMetadata } & {
  [key: ObjectUrlKey]: string;
};

const OBJECT_URL_KEY = /^objectUrl_(0|[1-9][0-9]*)$/;

function checkObjectUrlKeys(
  value: object,
  ctx: z.core.$RefinementCtx<object>,
  fields: readonly string[],
): void {
  const indices: number[] = [];
  for (const key of Object.keys(value)) {
    if (fields.includes(key)) continue;
    const match = OBJECT_URL_KEY.exec(key);
    if (match?.[1] === undefined) ctx.addIssue({ code: "custom", message: "unknown key", path: [key] });
    else indices.push(Number(match[1]));
  }
  if (indices.length === 0) ctx.addIssue({ code: "custom", message: "needs at least objectUrl_0" });
  indices.sort((a, b) => a - b);
  const gap = indices.findIndex((index, position) => index !== position);
  if (gap >= 0)
    ctx.addIssue({ code: "custom", message: `objectUrl_n must be contiguous: objectUrl_${gap} is missing` });
}

/** The item schema under each top-level key, with `clientMetadata` checked by the given schema. */
function itemSchemas(clientMetadataSchema: z.ZodType<ClientMetadata>) {
  const clientMetadata = clientMetadataSchema.optional();
  const single = { objectUrl: ObjectUrlSchema, title: TitleSchema.optional(), clientMetadata };
  const imageGroupFields = { title: TitleSchema, createVideo: z.boolean().optional(), clientMetadata };
  const dicomSeriesFields = { title: TitleSchema, clientMetadata };
  const imageGroup: z.ZodType<ImageGroupItem> = z
    .object(imageGroupFields)
    .catchall(ObjectUrlSchema)
    .superRefine((value, ctx) => checkObjectUrlKeys(value, ctx, Object.keys(imageGroupFields)));
  const dicomSeries: z.ZodType<DicomSeriesItem> = z
    .object(dicomSeriesFields)
    .catchall(ObjectUrlSchema)
    .superRefine((value, ctx) => checkObjectUrlKeys(value, ctx, Object.keys(dicomSeriesFields)));
  return {
    [ENCORD_IMPORT_KEYS.video]: z.strictObject({ ...single, videoMetadata: VideoMetadataSchema.optional() }),
    [ENCORD_IMPORT_KEYS.audio]: z.strictObject({ ...single, audioMetadata: AudioMetadataSchema.optional() }),
    [ENCORD_IMPORT_KEYS.image]: z.strictObject({ ...single, imageMetadata: ImageMetadataSchema.optional() }),
    [ENCORD_IMPORT_KEYS.image_group]: imageGroup,
    [ENCORD_IMPORT_KEYS.dicom_series]: dicomSeries,
    [ENCORD_IMPORT_KEYS.text]: z.strictObject({ ...single, textMetadata: TextMetadataSchema.optional() }),
    [ENCORD_IMPORT_KEYS.pdf]: z.strictObject({ ...single, pdfMetadata: PdfMetadataSchema.optional() }),
    // Encord defines no media block for NIfTI.
    [ENCORD_IMPORT_KEYS.nifti]: z.strictObject(single),
  } as const satisfies Record<EncordImportKey, z.ZodType>;
}

/** The item schema under each top-level key, in the order an import file lists the keys. */
export const IMPORT_ITEM_SCHEMAS = itemSchemas(ClientMetadataSchema);

/** One `videos[]` item. */
export const VideoItemSchema = IMPORT_ITEM_SCHEMAS[ENCORD_IMPORT_KEYS.video];
export type VideoItem = z.infer<typeof VideoItemSchema>;

/** One `audio[]` item. */
export const AudioItemSchema = IMPORT_ITEM_SCHEMAS[ENCORD_IMPORT_KEYS.audio];
export type AudioItem = z.infer<typeof AudioItemSchema>;

/** One `images[]` item. */
export const ImageItemSchema = IMPORT_ITEM_SCHEMAS[ENCORD_IMPORT_KEYS.image];
export type ImageItem = z.infer<typeof ImageItemSchema>;

/** One `text[]` item. */
export const TextItemSchema = IMPORT_ITEM_SCHEMAS[ENCORD_IMPORT_KEYS.text];
export type TextItem = z.infer<typeof TextItemSchema>;

/** One `pdfs[]` item. */
export const PdfItemSchema = IMPORT_ITEM_SCHEMAS[ENCORD_IMPORT_KEYS.pdf];
export type PdfItem = z.infer<typeof PdfItemSchema>;

/** One `nifti[]` item: Encord defines no media block for NIfTI. */
export const NiftiItemSchema = IMPORT_ITEM_SCHEMAS[ENCORD_IMPORT_KEYS.nifti];
export type NiftiItem = z.infer<typeof NiftiItemSchema>;

/** Schema of an `image_groups[]` item. */
export const ImageGroupItemSchema = IMPORT_ITEM_SCHEMAS[ENCORD_IMPORT_KEYS.image_group];

/** Schema of a `dicom_series[]` item. */
export const DicomSeriesItemSchema = IMPORT_ITEM_SCHEMAS[ENCORD_IMPORT_KEYS.dicom_series];

/** The item type each top-level key holds. */
export type ImportItems = { [K in EncordImportKey]: z.infer<(typeof IMPORT_ITEM_SCHEMAS)[K]> };

/** Any import item. */
export type ImportItem = ImportItems[EncordImportKey];

/** Tells whether a string is one of the top-level item keys. */
export function isImportKey(key: string): key is EncordImportKey {
  return Object.hasOwn(IMPORT_ITEM_SCHEMAS, key);
}

/** The top-level item keys in the fixed order an import file lists them. */
export const IMPORT_KEY_ORDER: readonly EncordImportKey[] =
  Object.keys(IMPORT_ITEM_SCHEMAS).filter(isImportKey);

/** An item paired with its top-level key, for each key, with items checked by `items`. */
function entrySchema(items: ReturnType<typeof itemSchemas>) {
  const entryOf = <K extends EncordImportKey>(importKey: K) =>
    z.strictObject({ importKey: z.literal(importKey), entry: items[importKey] });
  return z.discriminatedUnion("importKey", [
    entryOf(ENCORD_IMPORT_KEYS.video),
    entryOf(ENCORD_IMPORT_KEYS.audio),
    entryOf(ENCORD_IMPORT_KEYS.image),
    entryOf(ENCORD_IMPORT_KEYS.image_group),
    entryOf(ENCORD_IMPORT_KEYS.dicom_series),
    entryOf(ENCORD_IMPORT_KEYS.text),
    entryOf(ENCORD_IMPORT_KEYS.pdf),
    entryOf(ENCORD_IMPORT_KEYS.nifti),
  ]);
}

/** An item paired with its top-level key: checks an entry whole when its record is derived. */
export const ImportEntrySchema = entrySchema(IMPORT_ITEM_SCHEMAS);

/**
 * An entry read back from a stored record, before it goes into a file: every field is checked again
 * (they are small) except `clientMetadata`, checked when the record was written, which only has to be
 * an object here.
 */
export const StoredImportEntrySchema = entrySchema(itemSchemas(StoredClientMetadataSchema));

export type ImportEntry = z.infer<typeof ImportEntrySchema>;

/** Schema of a whole Encord import JSON file (route A, encord-import-format.md §1). */
export const ImportFileSchema = z.strictObject({
  [ENCORD_IMPORT_KEYS.video]: z.array(VideoItemSchema).optional(),
  [ENCORD_IMPORT_KEYS.audio]: z.array(AudioItemSchema).optional(),
  [ENCORD_IMPORT_KEYS.image]: z.array(ImageItemSchema).optional(),
  [ENCORD_IMPORT_KEYS.image_group]: z.array(ImageGroupItemSchema).optional(),
  [ENCORD_IMPORT_KEYS.dicom_series]: z.array(DicomSeriesItemSchema).optional(),
  [ENCORD_IMPORT_KEYS.text]: z.array(TextItemSchema).optional(),
  [ENCORD_IMPORT_KEYS.pdf]: z.array(PdfItemSchema).optional(),
  [ENCORD_IMPORT_KEYS.nifti]: z.array(NiftiItemSchema).optional(),
  skip_duplicate_urls: z.boolean().optional(),
  upsert_metadata: z.boolean().optional(),
});
export type ImportFile = z.infer<typeof ImportFileSchema>;
