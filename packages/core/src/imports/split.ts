import { z } from "zod";
import type { EncordImportKey } from "../typing/data-type";
import { IMPORT_KEY_ORDER, type ImportEntry, type ImportFile, type ImportItems } from "./format";

/** How much one import file may hold; every limit is a setting (design.md "Imports"). */
export const ImportLimitsSchema = z.strictObject({
  maxEntries: z.number().int().positive(),
  maxVideos: z.number().int().positive(),
  /** Bytes of the compact serialisation (`serializeImportFile(file, "compact")`); MB = 10^6 bytes. */
  maxBytes: z.number().int().positive(),
});
export type ImportLimits = z.infer<typeof ImportLimitsSchema>;

/** Encord's smallest plan: 1,000 entries, 100 videos and 10 MB per file (encord-import-format.md §6.2). */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = { maxEntries: 1000, maxVideos: 100, maxBytes: 10_000_000 };

/** An entry to place in an import file, with the id (usually the record key) that tracks it. */
export type SplitEntry = ImportEntry & { id: string };

/** Import files with the ids of their entries, and the entries too large for any file. */
export type SplitImports = {
  files: { file: ImportFile; ids: string[] }[];
  tooLarge: { id: string; bytes: number }[];
};

type ItemLists = { [K in EncordImportKey]: ImportItems[K][] };
type PresentLists = { [K in EncordImportKey]?: ImportItems[K][] };

const emptyLists = (): ItemLists => ({
  videos: [],
  audio: [],
  images: [],
  image_groups: [],
  dicom_series: [],
  text: [],
  pdfs: [],
  nifti: [],
});

const FLAGS = { skip_duplicate_urls: true, upsert_metadata: true } as const;
const utf8 = new TextEncoder();
const byteLength = (text: string): number => utf8.encode(text).byteLength;

/** `{"skip_duplicate_urls":true,"upsert_metadata":true}`: the bytes of a file with no entries. */
const EMPTY_FILE_BYTES = byteLength(JSON.stringify(FLAGS));

/** Bytes that opening a key's array adds: `"key":[]` and the comma before the next member. */
const openingBytes = (key: EncordImportKey): number => byteLength(JSON.stringify(key)) + 4;

function append<K extends EncordImportKey>(lists: ItemLists, key: K, item: ImportItems[K]): void {
  lists[key].push(item);
}

function copyNonEmpty<K extends EncordImportKey>(from: PresentLists, to: PresentLists, key: K): void {
  const list = from[key];
  if (list !== undefined && list.length > 0) to[key] = list;
}

/** The file with its keys in the fixed order, whatever order the entries came in. */
function toFile(lists: ItemLists): ImportFile {
  const present: PresentLists = {};
  for (const key of IMPORT_KEY_ORDER) copyNonEmpty(lists, present, key);
  return { ...present, ...FLAGS };
}

/**
 * Packs entries, in the given order, into as few import files as the limits allow: a file is
 * closed when the next entry would break any limit. Sizes are counted incrementally and exactly
 * against the compact serialisation; an entry that alone breaks `maxBytes` goes to `tooLarge`.
 */
export function splitImportFiles(entries: readonly SplitEntry[], limits: ImportLimits): SplitImports {
  const files: SplitImports["files"] = [];
  const tooLarge: SplitImports["tooLarge"] = [];
  let lists = emptyLists();
  let ids: string[] = [];
  let videos = 0;
  let bytes = EMPTY_FILE_BYTES;

  const close = (): void => {
    if (ids.length > 0) files.push({ file: toFile(lists), ids });
    lists = emptyLists();
    ids = [];
    videos = 0;
    bytes = EMPTY_FILE_BYTES;
  };

  for (const entry of entries) {
    const entryBytes = byteLength(JSON.stringify(entry.entry));
    const aloneBytes = EMPTY_FILE_BYTES + openingBytes(entry.importKey) + entryBytes;
    if (aloneBytes > limits.maxBytes) {
      tooLarge.push({ id: entry.id, bytes: aloneBytes });
      continue;
    }
    const isVideo = entry.importKey === "videos";
    // In an open array an entry adds itself and one comma; otherwise it also opens the array.
    const added = () =>
      lists[entry.importKey].length > 0 ? entryBytes + 1 : openingBytes(entry.importKey) + entryBytes;
    if (
      ids.length + 1 > limits.maxEntries ||
      (isVideo && videos + 1 > limits.maxVideos) ||
      bytes + added() > limits.maxBytes
    ) {
      close();
    }
    bytes += added();
    append(lists, entry.importKey, entry.entry);
    ids.push(entry.id);
    if (isVideo) videos += 1;
  }
  close();
  return { files, tooLarge };
}

/**
 * Serialises an import file: pretty (2-space indent, trailing newline) for people, or compact,
 * which is the form `maxBytes` is measured against and the one to store when size matters.
 */
export function serializeImportFile(file: ImportFile, style: "pretty" | "compact" = "pretty"): string {
  return style === "compact" ? JSON.stringify(file) : `${JSON.stringify(file, null, 2)}\n`;
}
