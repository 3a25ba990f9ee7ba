/** One unit of an import: a video, image, group or series, with every URL it covers. */
export interface ImportUnit {
  itemType: string;
  name: string;
  objectUrls: string[];
  clientMetadata: Record<string, unknown> | undefined;
}

/** The units of an import and its duplicate-handling flags. */
export interface ParsedImport {
  units: ImportUnit[];
  skipDuplicateUrls: boolean;
  upsertMetadata: boolean;
}

// Key → item type, for the JSON-file form (`externalFiles`, snake_case) and the structured form (`dataItems`).
const FILE_KEYS: Record<string, string> = {
  videos: "video",
  images: "image",
  image_groups: "imageGroup",
  dicom_series: "dicomSeries",
  audio: "audio",
  text: "plainText",
  pdfs: "pdf",
  nifti: "nifti",
};
const DATA_ITEM_KEYS: Record<string, string> = {
  videos: "video",
  images: "image",
  imageGroups: "imageGroup",
  dicomSeries: "dicomSeries",
  audio: "audio",
  text: "plainText",
  pdf: "pdf",
  nifti: "nifti",
};
const GROUP_TYPES = new Set(["imageGroup", "dicomSeries"]);
const NUMBERED_URL = /^objectUrl_(0|[1-9][0-9]*)$/;

/** Reads an import spec into units, or returns the 400 `detail` the server would give. */
export function parseImport(spec: unknown, form: "externalFiles" | "dataItems"): ParsedImport | string {
  if (!isRecord(spec)) return `${form} must be an object`;
  const keys = form === "externalFiles" ? FILE_KEYS : DATA_ITEM_KEYS;
  const flags =
    form === "externalFiles"
      ? ["skip_duplicate_urls", "upsert_metadata"]
      : ["skipDuplicateUrls", "upsertMetadata"];
  const units: ImportUnit[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (flags.includes(key)) {
      if (typeof value !== "boolean") return `${form}.${key} must be a boolean`;
      continue;
    }
    const itemType = keys[key];
    if (itemType === undefined) return `${form}: unknown key '${key}'`;
    if (!Array.isArray(value)) return `${form}.${key} must be an array`;
    for (const [index, entry] of value.entries()) {
      const unit = readUnit(entry, itemType);
      if (typeof unit === "string") return `${form}.${key}[${index}]: ${unit}`;
      units.push(unit);
    }
  }
  return {
    units,
    skipDuplicateUrls: spec[flags[0] ?? ""] === true,
    upsertMetadata: spec[flags[1] ?? ""] === true,
  };
}

function readUnit(entry: unknown, baseType: string): ImportUnit | string {
  if (!isRecord(entry)) return "must be an object";
  const { title, clientMetadata } = entry;
  if (title !== undefined && typeof title !== "string") return "title must be a string";
  if (clientMetadata !== undefined && !isRecord(clientMetadata)) return "clientMetadata must be an object";
  const objectUrls = GROUP_TYPES.has(baseType) ? numberedUrls(entry) : [entry.objectUrl];
  if (objectUrls.length === 0) return "needs objectUrl_0";
  const urls: string[] = [];
  for (const url of objectUrls) {
    if (typeof url !== "string" || url === "" || /\s/.test(url))
      return "objectUrl must be a non-empty string";
    urls.push(url);
  }
  const itemType = baseType === "imageGroup" && entry.createVideo === true ? "imageSequence" : baseType;
  return { itemType, name: title ?? urls[0] ?? "", objectUrls: urls, clientMetadata };
}

function numberedUrls(entry: Record<string, unknown>): unknown[] {
  const numbered = Object.keys(entry)
    .map((key) => NUMBERED_URL.exec(key)?.[1])
    .filter((index) => index !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return numbered.map((index) => entry[`objectUrl_${index}`]);
}

/** Whether a parsed JSON value is a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
