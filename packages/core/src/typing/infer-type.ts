import { fileTypeFromBuffer } from "file-type";
import { HEAD_BYTES } from "../bytes/head-bytes";
import { type Issue, issue } from "../issues";
import { isRawDicom } from "../probes/dicom-raw";
import type { DataType } from "./data-type";
import { DICOM_DIRECTORY_REASON, isDicomDirectory } from "./dicom-class";
import { hasNiftiMagic, inflateHead, isGzip, isUtf16Text, sniffText } from "./sniff";
import {
  ambiguousContainer,
  baseMime,
  dataTypeOfMime,
  extensionOf,
  isUninformativeMime,
  type TypedMime,
  typeOfExtension,
} from "./tables";
import { peekIsoBmffTracks, peekMatroskaTracks, type TrackPeek } from "./tracks";

/** The data type of an object and how it was found, or why none was. */
export type TypeInference =
  | {
      ok: true;
      dataType: DataType;
      mimeType: string;
      source: "content" | "extension" | "content-type";
      warnings: Issue[];
    }
  | { ok: false; reason: string; code: "unknown-type" | "empty-object" | "dicom-directory" };

type Evidence = TypedMime & { source: "extension" | "content-type"; label: string };

type ContentVerdict =
  | { kind: "typed"; dataType: DataType; mimeType: string }
  | { kind: "unsupported"; mimeType: string }
  /** A known kind of file that is not data to import (a DICOMDIR): skipped with its reason. */
  | { kind: "skipped"; code: "dicom-directory"; reason: string }
  | { kind: "text" }
  | { kind: "legacy-text" }
  | { kind: "binary" };

/**
 * Works out the data type of an object from its first bytes, then its key's extension, then its
 * Content-Type (design.md "Data flow" step 3); when they disagree, the content wins with a warning.
 */
export async function inferDataType(input: {
  head: Uint8Array;
  key: string;
  contentType?: string | null;
}): Promise<TypeInference> {
  const { head, key, contentType } = input;
  if (head.byteLength === 0) {
    return { ok: false, code: "empty-object", reason: "the object is empty (0 bytes)" };
  }
  const evidence = collectEvidence(key, contentType);
  const content = await sniffContent(head, evidence[0]?.dataType);

  if (content.kind === "typed") {
    const warnings = evidence
      .filter((e) => e.dataType !== content.dataType)
      .map((e) => mismatch(`content is ${content.dataType} (${content.mimeType})`, e, content.dataType));
    return { ok: true, dataType: content.dataType, mimeType: content.mimeType, source: "content", warnings };
  }
  if (content.kind === "skipped") return { ok: false, code: content.code, reason: content.reason };
  if (content.kind === "unsupported") {
    return unknown(`its content is ${content.mimeType}, which Sluice does not import`, key, contentType);
  }
  if (content.kind === "text" && (evidence.length === 0 || evidence[0]?.dataType === "text")) {
    const mimeType = evidence[0]?.mimeType ?? "text/plain";
    return { ok: true, dataType: "text", mimeType, source: "content", warnings: mismatches(evidence) };
  }
  // Without a signature, the key and the Content-Type decide; a binary head never becomes text.
  const usable = content.kind === "binary" ? evidence.filter((e) => e.dataType !== "text") : evidence;
  const chosen = usable[0];
  if (!chosen) {
    const looked =
      content.kind === "binary"
        ? "its first bytes are binary with no known signature, so it cannot be text"
        : "its first bytes are neither UTF-8 text nor a known signature";
    return unknown(looked, key, contentType);
  }
  const warnings = mismatches(usable);
  if (content.kind === "text") {
    const message = `the first bytes are UTF-8 text with no known signature; typed ${chosen.dataType} by its ${chosen.label}`;
    warnings.push(issue("content-looks-like-text", message));
  }
  if (content.kind === "legacy-text" && chosen.dataType === "text") {
    warnings.push(
      issue("text-not-utf8", "the text is not UTF-8 (a legacy 8-bit charset?); Encord may show it garbled"),
    );
  }
  return { ok: true, dataType: chosen.dataType, mimeType: chosen.mimeType, source: chosen.source, warnings };
}

function collectEvidence(key: string, contentType: string | null | undefined): Evidence[] {
  const evidence: Evidence[] = [];
  const extension = extensionOf(key);
  const byExtension = typeOfExtension(extension);
  if (byExtension) evidence.push({ ...byExtension, source: "extension", label: `extension ${extension}` });
  if (contentType && !isUninformativeMime(contentType)) {
    const dataType = dataTypeOfMime(contentType);
    const mimeType = baseMime(contentType);
    if (dataType) {
      evidence.push({ dataType, mimeType, source: "content-type", label: `Content-Type ${mimeType}` });
    }
  }
  return evidence;
}

function mismatch(found: string, other: Evidence, chosen: DataType): Issue {
  return issue("type-mismatch", `${found} but its ${other.label} says ${other.dataType}; typed ${chosen}`);
}

function mismatches(evidence: Evidence[]): Issue[] {
  const [first, ...rest] = evidence;
  if (!first) return [];
  const found = `its ${first.label} says ${first.dataType}`;
  return rest.filter((e) => e.dataType !== first.dataType).map((e) => mismatch(found, e, first.dataType));
}

function unknown(looked: string, key: string, contentType: string | null | undefined): TypeInference {
  const evidence = collectEvidence(key, contentType);
  const said = (source: Evidence["source"]) => {
    const found = evidence.find((e) => e.source === source);
    return found && `its ${found.label} says ${found.dataType}`;
  };
  const extension = extensionOf(key);
  const byKey =
    said("extension") ??
    (extension ? `extension ${extension} is not a known type` : "the key has no extension");
  const byHeader =
    said("content-type") ??
    (isUninformativeMime(contentType)
      ? "no informative Content-Type"
      : `Content-Type ${contentType} is not a known type`);
  return { ok: false, code: "unknown-type", reason: `unknown type: ${looked}; ${byKey}; ${byHeader}` };
}

async function sniffContent(head: Uint8Array, hint: DataType | undefined): Promise<ContentVerdict> {
  if (hasNiftiMagic(head)) return { kind: "typed", dataType: "nifti", mimeType: "application/x-nifti" };
  if (isGzip(head)) {
    const inflated = await inflateHead(head);
    if (inflated && hasNiftiMagic(inflated)) {
      return { kind: "typed", dataType: "nifti", mimeType: "application/gzip" };
    }
  }
  if (isUtf16Text(head.subarray(0, HEAD_BYTES))) return { kind: "text" };
  const detected = await fileTypeFromBuffer(head);
  if (detected?.mime === "application/dicom" && isDicomDirectory(head)) {
    return { kind: "skipped", code: "dicom-directory", reason: DICOM_DIRECTORY_REASON };
  }
  if (detected) {
    const container = ambiguousContainer(detected.mime);
    if (container) {
      const dataType = containerType(container.fallback, peekTracks(head, container.layout), hint);
      return { kind: "typed", dataType, mimeType: dataType === "audio" ? container.audio : container.video };
    }
    const dataType = dataTypeOfMime(detected.mime);
    return dataType
      ? { kind: "typed", dataType, mimeType: detected.mime }
      : { kind: "unsupported", mimeType: detected.mime };
  }
  // A raw data set has no signature file-type knows; its first elements' structure is the signature.
  if (isRawDicom(head)) return { kind: "typed", dataType: "dicom", mimeType: "application/dicom" };
  const text = sniffText(head.subarray(0, HEAD_BYTES));
  return text.kind === "text" ? { kind: "text" } : text;
}

/**
 * A container that may hold audio alone is video when a video track shows, audio when the whole
 * track list shows only audio, and otherwise what the extension or Content-Type says, or its default.
 */
function containerType(
  fallback: "video" | "audio",
  tracks: TrackPeek,
  hint: DataType | undefined,
): "video" | "audio" {
  if (tracks.video) return "video";
  if (tracks.audio && tracks.complete) return "audio";
  return hint === "audio" || hint === "video" ? hint : fallback;
}

function peekTracks(head: Uint8Array, layout: "isobmff" | "matroska" | "other"): TrackPeek {
  if (layout === "isobmff") return peekIsoBmffTracks(head);
  if (layout === "matroska") return peekMatroskaTracks(head);
  return { video: false, audio: false, complete: false };
}
