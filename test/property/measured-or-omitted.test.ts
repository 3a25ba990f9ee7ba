import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { SluiceRecord } from "../../packages/core/src/records/record";
import { deriveFileRecord } from "../helpers/derive-file";
import {
  expectedAudio,
  expectedDicom,
  expectedImage,
  expectedPdfPages,
  expectedVideo,
  listProbeFixtures,
  probeMediaPath,
  structuralTruth,
} from "../helpers/probe-truth";

// The design's rule over every fixture with ground truth: each media block Encord would receive is
// exact for the file (its reader's truth, or the truth counted from its structure where the reader
// guesses), or it is left out and `mediaMetadata.omitted` says why. A value computed from an
// assumption the probe did not check fails here as a wrong number.
const fixtures = listProbeFixtures();

function recordOf(name: string): Promise<SluiceRecord> {
  return deriveFileRecord(name, new Uint8Array(readFileSync(probeMediaPath(name))), {
    emitTextPdfMetadata: true,
  });
}

/** The media block of an entry that is not `clientMetadata`, by name. */
function blockOf(record: SluiceRecord, name: string): Record<string, unknown> | undefined {
  const block = record.importEntry?.[name];
  return typeof block === "object" && block !== null && !Array.isArray(block) ? block : undefined;
}

/** Lossy audio follows its reader within its encoder padding (see the audio probe tests); lossless within 10 ms. */
function audioTolerance(codec: string, sampleRate: number): number {
  if (/^mp[123]$/.test(codec)) return 1152 / sampleRate;
  if (codec === "vorbis") return 2048 / sampleRate;
  if (codec === "opus") return 0.02;
  return 0.01;
}

function structural(name: string): Record<string, unknown> | undefined {
  return existsSync(probeMediaPath(`../truth/${name}.structure.json`)) ? structuralTruth(name) : undefined;
}

describe("every media block", () => {
  it.each(fixtures.map((f) => [f.name, f.tool] as const))(
    "is exact for %s (truth: %s) or omitted with a reason",
    async (name, tool) => {
      const record = await recordOf(name);
      const block = ["videoMetadata", "audioMetadata", "imageMetadata", "pdfMetadata"].find((b) =>
        blockOf(record, b),
      );
      const omitted = record.mediaMetadata?.omitted ?? [];
      expect(record.errors).toEqual([]);
      for (const entry of omitted) expect(entry.reason.length).toBeGreaterThan(10);

      const sent = block === undefined ? undefined : blockOf(record, block);
      if (sent === undefined) {
        // Nothing sent: a reason must say why, unless the type has no media block (text, DICOM).
        if (tool !== "file" && tool !== "dcmdump") expect(omitted.length).toBeGreaterThan(0);
      } else if (block === "videoMetadata") {
        const expected = expectedVideo(name);
        expect([sent.width, sent.height]).toEqual([expected.width, expected.height]);
        expect(Math.abs(Number(sent.fps) - expected.fps) / expected.fps).toBeLessThan(1e-6);
        expect(Math.abs(Number(sent.duration) - (expected.duration ?? Number.NaN))).toBeLessThan(
          1 / expected.fps,
        );
        expect(sent.file_size).toBe(expected.fileSize);
      } else if (block === "audioMetadata") {
        const expected = expectedAudio(name);
        const counted = structural(name);
        const duration = typeof counted?.duration === "number" ? counted.duration : expected.duration;
        const within = counted
          ? 1e-6
          : audioTolerance(String(sent.codec ?? expected.codec), expected.sampleRate);
        expect([sent.sample_rate, sent.num_channels]).toEqual([expected.sampleRate, expected.numChannels]);
        expect(Math.abs(Number(sent.duration) - duration)).toBeLessThanOrEqual(within);
      } else if (block === "imageMetadata") {
        const expected = expectedImage(name);
        expect([sent.width, sent.height]).toEqual([expected.width, expected.height]);
      } else if (block === "pdfMetadata") {
        expect(sent.numPages).toBe(expectedPdfPages(name));
      }
      if (tool === "dcmdump") {
        const expected = expectedDicom(name);
        expect([record.mediaMetadata?.width, record.mediaMetadata?.height]).toEqual([
          expected.columns,
          expected.rows,
        ]);
      }
    },
  );
});
