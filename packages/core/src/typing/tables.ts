import type { DataType } from "./data-type";

/** A data type with the MIME type recorded for it. */
export interface TypedMime {
  readonly dataType: DataType;
  readonly mimeType: string;
}

const typed = (dataType: DataType, mimeType: string): TypedMime => ({ dataType, mimeType });

// MIME types follow file-type's names where it has one, so that a type found by extension
// and the same type found by content record the same string.
const EXTENSIONS: ReadonlyMap<string, TypedMime> = new Map([
  [".mp4", typed("video", "video/mp4")],
  [".mov", typed("video", "video/quicktime")],
  [".m4v", typed("video", "video/x-m4v")],
  [".webm", typed("video", "video/webm")],
  [".mkv", typed("video", "video/matroska")],
  [".avi", typed("video", "video/vnd.avi")],
  [".mp3", typed("audio", "audio/mpeg")],
  [".wav", typed("audio", "audio/wav")],
  [".flac", typed("audio", "audio/flac")],
  [".ogg", typed("audio", "audio/ogg")],
  [".oga", typed("audio", "audio/ogg")],
  [".opus", typed("audio", "audio/ogg; codecs=opus")],
  [".m4a", typed("audio", "audio/x-m4a")],
  [".aac", typed("audio", "audio/aac")],
  [".jpg", typed("image", "image/jpeg")],
  [".jpeg", typed("image", "image/jpeg")],
  [".png", typed("image", "image/png")],
  [".webp", typed("image", "image/webp")],
  [".tif", typed("image", "image/tiff")],
  [".tiff", typed("image", "image/tiff")],
  [".gif", typed("image", "image/gif")],
  [".bmp", typed("image", "image/bmp")],
  [".avif", typed("image", "image/avif")],
  [".heic", typed("image", "image/heic")],
  [".pdf", typed("pdf", "application/pdf")],
  [".dcm", typed("dicom", "application/dicom")],
  [".dicom", typed("dicom", "application/dicom")],
  // NIfTI has no registered MIME type: the uncompressed file gets the common unofficial name,
  // the compressed one the type of its bytes.
  [".nii", typed("nifti", "application/x-nifti")],
  [".nii.gz", typed("nifti", "application/gzip")],
  [".txt", typed("text", "text/plain")],
  [".md", typed("text", "text/markdown")],
  [".rst", typed("text", "text/x-rst")],
  [".xml", typed("text", "application/xml")],
  [".html", typed("text", "text/html")],
  [".htm", typed("text", "text/html")],
  [".json", typed("text", "application/json")],
  [".csv", typed("text", "text/csv")],
  [".tsv", typed("text", "text/tab-separated-values")],
]);

/** The lower-cased extension of a key's file name (`.nii.gz` counts as one), or "" when it has none. */
export function extensionOf(key: string): string {
  const name = (key.split("/").pop() ?? "").toLowerCase();
  if (name.endsWith(".nii.gz") && name.length > ".nii.gz".length) return ".nii.gz";
  const dot = name.lastIndexOf(".");
  // A leading dot marks a hidden file (".env"), not an extension.
  return dot > 0 ? name.slice(dot) : "";
}

/** The data type and MIME type an extension stands for, when Sluice knows it. */
export function typeOfExtension(extension: string): TypedMime | undefined {
  return EXTENSIONS.get(extension);
}

/** MIME types that say nothing about the content: S3's and browsers' defaults for unknown bytes. */
const UNINFORMATIVE_MIMES = new Set([
  "",
  "application/octet-stream",
  "binary/octet-stream",
  "application/unknown",
]);

const TEXT_APPLICATION_MIMES = new Set(["application/json", "application/xml", "application/x-ndjson"]);

/** The base of a MIME type: lower case, without parameters (`text/plain; charset=utf-8` → `text/plain`). */
export function baseMime(mime: string): string {
  return (mime.split(";")[0] ?? "").trim().toLowerCase();
}

/** The data type a MIME type stands for, or undefined for a type Sluice does not import. */
export function dataTypeOfMime(mime: string): DataType | undefined {
  const base = baseMime(mime);
  if (UNINFORMATIVE_MIMES.has(base)) return undefined;
  if (base === "application/pdf") return "pdf";
  if (base === "application/dicom") return "dicom";
  if (base === "application/x-nifti") return "nifti";
  if (base.startsWith("video/")) return "video";
  if (base.startsWith("audio/")) return "audio";
  if (base.startsWith("image/")) return "image";
  if (base.startsWith("text/") || TEXT_APPLICATION_MIMES.has(base)) return "text";
  if (base.startsWith("application/") && (base.endsWith("+json") || base.endsWith("+xml"))) return "text";
  return undefined;
}

/** Tells whether a MIME type carries no information (absent, empty or `application/octet-stream`). */
export function isUninformativeMime(mime: string | null | undefined): boolean {
  return mime === null || mime === undefined || UNINFORMATIVE_MIMES.has(baseMime(mime));
}

/** A container that may hold video or audio alone, and how to tell which from its first bytes. */
export interface AmbiguousContainer {
  readonly video: string;
  readonly audio: string;
  /** The type when neither the tracks nor the extension or Content-Type settle it. */
  readonly fallback: "video" | "audio";
  readonly layout: "isobmff" | "matroska" | "other";
}

const isobmff = (video: string, audio: string): AmbiguousContainer => ({
  video,
  audio,
  fallback: "video",
  layout: "isobmff",
});

// file-type names a container by its signature (`video/webm` for any WebM, `video/mp4` for a
// generic `isom` brand), not by its tracks, so an audio-only WebM or MP4 arrives as "video".
// Explicit brands stay as file-type says: M4A is audio, M4V video, Ogg Theora video, Ogg Opus audio.
const AMBIGUOUS: ReadonlyMap<string, AmbiguousContainer> = new Map([
  ["video/mp4", isobmff("video/mp4", "audio/mp4")],
  ["video/quicktime", isobmff("video/quicktime", "audio/mp4")],
  ["video/3gpp", isobmff("video/3gpp", "audio/3gpp")],
  ["video/3gpp2", isobmff("video/3gpp2", "audio/3gpp2")],
  ["video/webm", { video: "video/webm", audio: "audio/webm", fallback: "video", layout: "matroska" }],
  [
    "video/matroska",
    { video: "video/matroska", audio: "audio/matroska", fallback: "video", layout: "matroska" },
  ],
  // Ogg streams that are neither Theora nor a known audio codec are far more often audio.
  ["application/ogg", { video: "video/ogg", audio: "audio/ogg", fallback: "audio", layout: "other" }],
  [
    "application/vnd.ms-asf",
    { video: "video/x-ms-asf", audio: "audio/x-ms-asf", fallback: "video", layout: "other" },
  ],
]);

/** The container description for a MIME type file-type reports, when it may be video or audio. */
export function ambiguousContainer(mime: string): AmbiguousContainer | undefined {
  return AMBIGUOUS.get(baseMime(mime));
}
