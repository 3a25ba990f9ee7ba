import { z } from "zod";
import { ENCORD_IMPORT_KEYS, type EncordImportKey } from "../typing/data-type";
import type { ImportFile } from "./format";

/** Entries of one import file per Encord import key (`image_groups` holds groups and sequences). */
export type EntryCounts = Record<EncordImportKey, number>;

const count = z.number().int().nonnegative();

/** Schema of `EntryCounts`, every key present, for counts read back from storage. */
export const EntryCountsSchema = z.strictObject({
  [ENCORD_IMPORT_KEYS.video]: count,
  [ENCORD_IMPORT_KEYS.audio]: count,
  [ENCORD_IMPORT_KEYS.image]: count,
  [ENCORD_IMPORT_KEYS.image_group]: count,
  [ENCORD_IMPORT_KEYS.dicom_series]: count,
  [ENCORD_IMPORT_KEYS.text]: count,
  [ENCORD_IMPORT_KEYS.pdf]: count,
  [ENCORD_IMPORT_KEYS.nifti]: count,
});

/** Counts the entries of an import file by import key, zero for the keys it does not hold. */
export function countEntries(file: ImportFile): EntryCounts {
  return {
    videos: file.videos?.length ?? 0,
    audio: file.audio?.length ?? 0,
    images: file.images?.length ?? 0,
    image_groups: file.image_groups?.length ?? 0,
    dicom_series: file.dicom_series?.length ?? 0,
    text: file.text?.length ?? 0,
    pdfs: file.pdfs?.length ?? 0,
    nifti: file.nifti?.length ?? 0,
  };
}

/** The total number of entries. */
export function totalEntries(counts: EntryCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
