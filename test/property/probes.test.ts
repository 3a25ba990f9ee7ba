import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { probeAudio } from "../../packages/core/src/probes/audio";
import { probeAvi } from "../../packages/core/src/probes/avi";
import { probeDicom } from "../../packages/core/src/probes/dicom";
import { probeImage } from "../../packages/core/src/probes/image";
import { probeMatroska } from "../../packages/core/src/probes/matroska";
import { probeMp4, probeMp4Audio } from "../../packages/core/src/probes/mp4";
import { probePdf } from "../../packages/core/src/probes/pdf";
import { probeMedia } from "../../packages/core/src/probes/probe-media";
import {
  DEFAULT_PROBE_SETTINGS,
  type MediaProbe,
  type ProbeOutcome,
} from "../../packages/core/src/probes/probe-types";
import { probeText } from "../../packages/core/src/probes/text";
import { MediaMetadataSchema } from "../../packages/core/src/records/media-metadata";
import { inferDataType } from "../../packages/core/src/typing/infer-type";
import { bytesArb, countingSource } from "./arbitraries";

const RUNS = { seed: 8_2026, numRuns: 250, timeout: 5_000 };
/** Object sizes tried: the bytes alone, or followed by zeros up to 1 MB, 100 MB or 10 GB (never allocated). */
const sizeArb = fc.constantFrom(0, 1e6, 1e8, 1e10);
/** Reads to the source behind the cache (S3 GETs): the documented bound for any probe. */
const MAX_REQUESTS = 16;
/** Bytes handed to a probe: DICOM grows its head read up to pixel data, the largest by design. */
const MAX_BYTES = 80 * 1024 * 1024;

const ProblemSchema = MediaMetadataSchema.shape.omitted.unwrap().element.extend({});
const IssueShape = { code: (c: string) => /^[a-z][a-z0-9-]+$/.test(c), message: (m: string) => m.length > 5 };

function expectWellFormed(outcome: ProbeOutcome): void {
  expect(MediaMetadataSchema.omit({ fileSize: true }).strict().safeParse(outcome.media).success).toBe(true);
  for (const problem of [...outcome.errors, ...outcome.warnings]) {
    expect(IssueShape.code(problem.code), problem.code).toBe(true);
    expect(IssueShape.message(problem.message), problem.message).toBe(true);
  }
  for (const omitted of outcome.omitted) expect(ProblemSchema.safeParse(omitted).success).toBe(true);
  // A probe that failed measures nothing: an invalid record never carries half a block.
  if (outcome.errors.length > 0) expect(Object.keys(outcome.media).filter((k) => k !== "dicom")).toEqual([]);
}

async function checkProbe(probe: MediaProbe, sample: { bytes: Uint8Array }, padTo: number): Promise<void> {
  const { source, count, requests } = countingSource(sample.bytes, Math.max(sample.bytes.byteLength, padTo));
  const outcome = await probe(source, DEFAULT_PROBE_SETTINGS);
  expectWellFormed(outcome);
  expect(requests()).toBeLessThanOrEqual(MAX_REQUESTS);
  expect(count.bytes).toBeLessThanOrEqual(MAX_BYTES);
  // No probe reports a failed read for a source that never fails: a parser's exception is a file fault.
  expect(outcome.errors.map((e) => e.code)).not.toContain("media-read-failed");
}

const PROBES: [string, MediaProbe][] = [
  ["probeMp4", probeMp4],
  ["probeMp4Audio", probeMp4Audio],
  ["probeMatroska", probeMatroska],
  ["probeAvi", probeAvi],
  ["probeAudio", probeAudio],
  ["probeImage", probeImage],
  ["probePdf", probePdf],
  ["probeDicom", probeDicom],
  ["probeText", probeText],
];

/** Every MIME type probeMedia routes, one per pattern alternative, plus one it routes nowhere. */
const ROUTED_MIME_TYPES = [
  ...["mp4", "quicktime", "x-m4v", "3gpp", "3gpp2"].map((s) => `video/${s}`),
  ...["mp4", "x-m4a", "m4a"].map((s) => `audio/${s}`),
  ...["video/webm", "audio/webm", "video/matroska", "video/x-matroska", "audio/x-matroska"],
  ...["x-msvideo", "avi", "msvideo", "vnd.avi"].map((s) => `video/${s}`),
  ...["mpeg", "wav", "flac", "ogg", "opus", "aac"].map((s) => `audio/${s}`),
  ...["png", "jpeg", "gif", "webp", "tiff", "bmp", "avif", "heic"].map((s) => `image/${s}`),
  ...[
    "application/pdf",
    "application/dicom",
    "text/plain",
    "text/csv",
    "application/json",
    "application/xml",
  ],
  "application/x-nifti",
];

describe("media probes", () => {
  it.each(PROBES)(
    "%s never throws, stays within its reads and returns a well-formed outcome on any bytes",
    async (_name, probe) => {
      await fc.assert(
        fc.asyncProperty(bytesArb, sizeArb, (sample, padTo) => checkProbe(probe, sample, padTo)),
        RUNS,
      );
    },
  );
});

describe("probeMedia", () => {
  it("never throws and returns a well-formed outcome for every MIME type it routes on any bytes", async () => {
    const probe =
      (mimeType: string): MediaProbe =>
      (source, settings) =>
        probeMedia(source, { dataType: "video", mimeType }, settings);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTED_MIME_TYPES), bytesArb, sizeArb, (mime, sample, padTo) =>
        checkProbe(probe(mime), sample, padTo),
      ),
      { ...RUNS, numRuns: 500 },
    );
  });
});

describe("inferDataType", () => {
  it("never throws and types or refuses any head with a reason whatever the key and Content-Type", async () => {
    const keyArb = fc.constantFrom(
      "a.mp4",
      "a.png",
      "a.txt",
      "a.nii.gz",
      "a.dcm",
      "a",
      "a.pdf",
      "dir/",
      "a.mp3",
    );
    const typeArb = fc.constantFrom(
      null,
      "application/octet-stream",
      "video/mp4",
      "text/plain",
      "image/png",
      "bogus",
    );
    await fc.assert(
      fc.asyncProperty(bytesArb, keyArb, typeArb, async (sample, key, contentType) => {
        const inferred = await inferDataType({ head: sample.bytes.subarray(0, 16_384), key, contentType });
        if (inferred.ok) expect(inferred.mimeType).toMatch(/^[a-z]+\/[a-z0-9.+-]+(;.+)?$/);
        else expect(inferred.reason.length).toBeGreaterThan(10);
      }),
      { ...RUNS, numRuns: 500 },
    );
  });
});
