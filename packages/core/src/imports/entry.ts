import type { JsonObject } from "../json";
import type { MediaMetadata } from "../records/media-metadata";
import type { GroupType, UnitType } from "../typing/data-type";
import type { DicomSeriesItem, ImageGroupItem, ImportEntry, ObjectUrlKey } from "./format";
import {
  audioMetadataBlock,
  imageMetadataBlock,
  type OmittedBlock,
  pdfMetadataBlock,
  textMetadataBlock,
  videoMetadataBlock,
} from "./media-blocks";

/** One object ready to become an import entry; a group unit type makes it a one-file group. */
export type SingleImportUnit = {
  unitType: UnitType;
  title: string;
  clientMetadata: JsonObject;
  objectUrl: string;
  media: MediaMetadata | null;
};

/** A group or series ready to become an import entry; `objectUrls` are in display order. */
export type GroupImportUnit = {
  /** Group unit types list their files as numbered `objectUrl_n` keys. */
  unitType: GroupType;
  title: string;
  clientMetadata: JsonObject;
  objectUrls: string[];
};

/** What `buildImportEntry` turns into one import item. */
export type ImportUnit = SingleImportUnit | GroupImportUnit;

/** An import entry with the media blocks it had to leave out. */
export type BuiltImportEntry = ImportEntry & { omitted: OmittedBlock[] };

/** Options of `buildImportEntry`. */
export type ImportEntryOptions = { emitTextPdfMetadata: boolean };

function withMetadata<T extends object>(
  item: T,
  clientMetadata: JsonObject,
): T & { clientMetadata?: JsonObject } {
  // Encord treats an absent and an empty clientMetadata alike; leaving it out keeps files small.
  return Object.keys(clientMetadata).length === 0 ? item : { ...item, clientMetadata };
}

function buildGroupEntry(unit: GroupImportUnit): BuiltImportEntry {
  const head = unit.unitType === "dicom_series" ? {} : { createVideo: unit.unitType === "image_sequence" };
  const item: ImageGroupItem & DicomSeriesItem = { title: unit.title, ...head };
  unit.objectUrls.forEach((url, index) => {
    const key: ObjectUrlKey = `objectUrl_${index}`;
    item[key] = url;
  });
  const entry = withMetadata(item, unit.clientMetadata);
  if (unit.unitType === "dicom_series") return { importKey: "dicom_series", entry, omitted: [] };
  return { importKey: "image_groups", entry, omitted: [] };
}

function buildSingleEntry(unit: SingleImportUnit, options: ImportEntryOptions): BuiltImportEntry {
  const { media, clientMetadata } = unit;
  const base = { objectUrl: unit.objectUrl, title: unit.title };
  const omitted: OmittedBlock[] = [];
  const textPdf = options.emitTextPdfMetadata;
  switch (unit.unitType) {
    case "video": {
      const videoMetadata = videoMetadataBlock(media, omitted);
      const item = videoMetadata ? { ...base, videoMetadata } : base;
      return { importKey: "videos", entry: withMetadata(item, clientMetadata), omitted };
    }
    case "audio": {
      const audioMetadata = audioMetadataBlock(media, omitted);
      const item = audioMetadata ? { ...base, audioMetadata } : base;
      return { importKey: "audio", entry: withMetadata(item, clientMetadata), omitted };
    }
    case "image": {
      const imageMetadata = imageMetadataBlock(media, omitted);
      const item = imageMetadata ? { ...base, imageMetadata } : base;
      return { importKey: "images", entry: withMetadata(item, clientMetadata), omitted };
    }
    case "text": {
      const textMetadata = textPdf ? textMetadataBlock(media, omitted) : undefined;
      const item = textMetadata ? { ...base, textMetadata } : base;
      return { importKey: "text", entry: withMetadata(item, clientMetadata), omitted };
    }
    case "pdf": {
      const pdfMetadata = textPdf ? pdfMetadataBlock(media, omitted) : undefined;
      const item = pdfMetadata ? { ...base, pdfMetadata } : base;
      return { importKey: "pdfs", entry: withMetadata(item, clientMetadata), omitted };
    }
    case "nifti":
      return { importKey: "nifti", entry: withMetadata(base, clientMetadata), omitted };
    default:
      // A lone DICOM file (or group member) becomes a one-file series (or group).
      return buildGroupEntry({
        unitType: unit.unitType,
        title: unit.title,
        clientMetadata,
        objectUrls: [unit.objectUrl],
      });
  }
}

/**
 * Builds the import item of one data unit, with its keys in a fixed order and each media block
 * present only when every field of it was measured (design.md "Measured or omitted"); `omitted`
 * lists the blocks left out here, not those the probe already named in `media.omitted`.
 */
export function buildImportEntry(unit: ImportUnit, options: ImportEntryOptions): BuiltImportEntry {
  return "objectUrls" in unit ? buildGroupEntry(unit) : buildSingleEntry(unit, options);
}
