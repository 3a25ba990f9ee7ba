import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { emptyOutcome, type ProbeOutcome } from "./probe-types";

/** Why a file could not be measured: it ends too early, its structure is broken, or it uses a feature no probe reads. */
export type ProbeFailureCode = "media-truncated" | "media-corrupt" | "media-unsupported";

/** A fault in the file itself, thrown inside a probe and returned as an error on its outcome. */
export class ProbeFailureError extends Error {
  override readonly name: string = "ProbeFailureError";
  /** Reading the same bytes again gives the same fault. */
  readonly retryable = false;

  constructor(
    readonly code: ProbeFailureCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Reads exactly `length` bytes at `offset`, or fails with `media-truncated` naming what was cut. */
export async function readExactly(
  source: ByteSource,
  offset: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  const bytes = offset + length <= source.size ? await source.read(offset, length) : new Uint8Array(0);
  if (bytes.byteLength < length) {
    throw new ProbeFailureError("media-truncated", `${what}: the file ends at byte ${source.size}`);
  }
  return bytes;
}

/**
 * The outcome of a probe whose reader threw: a file fault keeps its code; anything else (a failed
 * read of the source) is `probe-failed`, so that a network error is not mistaken for a bad file.
 */
export function failedOutcome(error: unknown, kind: string): ProbeOutcome {
  const outcome = emptyOutcome();
  if (error instanceof ProbeFailureError) {
    outcome.errors.push(issue(error.code, `${kind}: ${error.message}`));
  } else {
    const message = error instanceof Error ? error.message : String(error);
    outcome.errors.push(issue("probe-failed", `${kind}: could not be read: ${message}`));
  }
  return outcome;
}
