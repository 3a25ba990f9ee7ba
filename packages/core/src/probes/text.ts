import { issue } from "../issues";
import { emptyOutcome, type MediaProbe } from "./probe-types";

/** The sample checked: the charset is judged from the head of the file, not all of it. */
export const TEXT_SAMPLE_BYTES = 64 * 1024;

// Byte-order marks, longest first: UTF-32LE's begins with UTF-16LE's.
const BOMS: [bytes: number[], charset: string][] = [
  [[0xff, 0xfe, 0x00, 0x00], "utf-32le"],
  [[0x00, 0x00, 0xfe, 0xff], "utf-32be"],
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xff, 0xfe], "utf-16le"],
  [[0xfe, 0xff], "utf-16be"],
];

/**
 * Names the charset of a text object (text/*, application/json, application/xml) from its first
 * 64 KiB, a sample: a byte-order mark decides; otherwise the sample must be valid UTF-8, and
 * pure ASCII counts as "utf-8" since ASCII is UTF-8 and the unread rest may not stay ASCII.
 * Anything else (NUL bytes included) is "unknown" with a `text-not-utf8` warning. Size and MIME type come from the
 * caller, so `charset` is the only field set.
 */
export const probeText: MediaProbe = async (source) => {
  let sample: Uint8Array;
  try {
    sample = await source.read(0, Math.min(source.size, TEXT_SAMPLE_BYTES));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...emptyOutcome(),
      errors: [issue("media-read-failed", `the text could not be read: ${message}`)],
    };
  }
  const found = detectCharset(sample, sample.byteLength < source.size);
  const outcome = { ...emptyOutcome(), media: { charset: found.charset } };
  if (found.problem !== undefined) {
    const head = `the first ${Math.min(source.size, TEXT_SAMPLE_BYTES)} bytes`;
    outcome.warnings.push(issue("text-not-utf8", `${head} ${found.problem}`));
  }
  return outcome;
};

/** Detects the charset of `sample`; `cut` says the file goes on past it. */
function detectCharset(sample: Uint8Array, cut: boolean): { charset: string; problem?: string } {
  const bom = BOMS.find(([bytes]) => bytes.every((b, i) => sample[i] === b));
  if (bom !== undefined) return { charset: bom[1] };
  // NUL is valid UTF-8 but no text file holds it: it means binary data or BOM-less UTF-16.
  if (sample.includes(0))
    return { charset: "unknown", problem: "hold NUL bytes (binary, or UTF-16 without a BOM)" };
  try {
    // A character cut at the sample's edge is not an error: `stream` keeps it pending.
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: cut });
    return { charset: "utf-8" };
  } catch {
    return { charset: "unknown", problem: "are not valid UTF-8 and carry no byte-order mark" };
  }
}
