/** The kinds of single data object Sluice recognises. */
export const DATA_TYPES = ["video", "audio", "image", "pdf", "text", "dicom", "nifti"] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** The kinds of group and series: records of their own, with no object in the bucket (design.md "Records"). */
export const GROUP_TYPES = ["image_group", "image_sequence", "dicom_series"] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** The data-unit kinds of the import JSON: single objects plus the grouped kinds. */
export type UnitType = Exclude<DataType, "dicom"> | GroupType;

/**
 * Encord's top-level import key for each unit type, in one table because `text`, `pdfs` and
 * `nifti` are not confirmed by a primary source (encord-import-format.md §9).
 */
export const ENCORD_IMPORT_KEYS = {
  video: "videos",
  audio: "audio",
  image: "images",
  image_group: "image_groups",
  image_sequence: "image_groups",
  dicom_series: "dicom_series",
  text: "text",
  pdf: "pdfs",
  nifti: "nifti",
} as const satisfies Record<UnitType, string>;

export type EncordImportKey = (typeof ENCORD_IMPORT_KEYS)[UnitType];

/** The unit type a single data object becomes (a DICOM file is a one-file series until grouping). */
export function unitTypeOf(dataType: DataType): UnitType {
  return dataType === "dicom" ? "dicom_series" : dataType;
}
