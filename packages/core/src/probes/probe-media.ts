import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import type { DataType } from "../typing/data-type";
import { probeAudio } from "./audio";
import { probeAvi } from "./avi";
import { probeDicom } from "./dicom";
import { probeImage } from "./image";
import { probeMatroska } from "./matroska";
import { probeMp4 } from "./mp4";
import { probePdf } from "./pdf";
import { emptyOutcome, type MediaProbe, type ProbeOutcome, type ProbeSettings } from "./probe-types";
import { probeText } from "./text";

/** Which probe measures which MIME type; the first match wins. */
const PROBES: { mimeTypes: RegExp; probe: MediaProbe }[] = [
  { mimeTypes: /^(video|audio)\/(mp4|quicktime|x-m4v|x-m4a|m4a|3gpp|3gpp2)$/, probe: probeMp4 },
  { mimeTypes: /^(video|audio)\/(webm|matroska|x-matroska)$/, probe: probeMatroska },
  { mimeTypes: /^video\/(x-msvideo|avi|msvideo|vnd\.avi)$/, probe: probeAvi },
  { mimeTypes: /^audio\//, probe: probeAudio },
  { mimeTypes: /^image\//, probe: probeImage },
  { mimeTypes: /^application\/pdf$/, probe: probePdf },
  { mimeTypes: /^application\/dicom$/, probe: probeDicom },
  { mimeTypes: /^(text\/|application\/(json|xml)$)/, probe: probeText },
];

/**
 * Measures the technical metadata of a typed object with the probe for its MIME type. Types
 * without a probe (NIfTI) measure nothing beyond size; a probe that throws despite its contract
 * becomes an error on the outcome, so one odd file never stops a batch.
 */
export async function probeMedia(
  source: ByteSource,
  type: { dataType: DataType; mimeType: string },
  settings: ProbeSettings,
): Promise<ProbeOutcome> {
  const entry = PROBES.find((p) => p.mimeTypes.test(type.mimeType));
  if (!entry || source.size === 0) return emptyOutcome();
  try {
    return await entry.probe(source, settings);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...emptyOutcome(),
      errors: [issue("probe-failed", `could not read ${type.mimeType}: ${message}`)],
    };
  }
}
