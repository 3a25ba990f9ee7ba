import type { ByteSource } from "../bytes/byte-source";
import { consecutiveMpegFrames, type MpegFrame } from "./mp3-walk";

/**
 * Places sampled between the first frame and the end: 7 windows at 1/8 … 7/8 of the stream, plus
 * the last window before the end. With the first window, 9 reads of 8 KiB (72 KiB; at least 4
 * whole frames each, even of 1,441 bytes at 320 kb/s and 32 kHz), so the bytes read do not grow
 * with the file.
 */
const INTERIOR_SAMPLES = 7;
const WINDOW = 8 * 1024;

/** The stream's frame count, or why it cannot be confirmed from the sampled frames. */
export type CbrCount = { frames: number } | { omitted: string };

/**
 * Counts the frames of a stream without an info header, too long to walk, when sampled frames
 * prove it constant-bit-rate: every frame found in windows across the stream has the first
 * frame's bit rate and starts where an unbroken CBR stream puts it (within its one padding slot),
 * and the last one ends the stream. Then the count is stream bytes ÷ average frame length,
 * rounded. Otherwise it returns why not, and nothing is assumed.
 */
export async function countCbrFrames(
  source: ByteSource,
  first: MpegFrame,
  streamEnd: number,
): Promise<CbrCount> {
  const reference = first.header;
  const length = streamEnd - first.offset;
  // Layer I pads with one 4-byte slot, Layers II and III with one byte.
  const slot = reference.layer === 1 ? 4 : 1;
  const average = (reference.samplesPerFrame / 8) * (reference.bitrate / reference.sampleRate);
  const starts = Array.from({ length: INTERIOR_SAMPLES + 1 }, (_, i) =>
    i === 0 ? first.offset : first.offset + Math.floor((length * i) / (INTERIOR_SAMPLES + 1)),
  );
  starts.push(Math.max(first.offset, streamEnd - WINDOW));
  let lastEnd = first.offset;
  for (const start of starts) {
    const window = await source.read(start, Math.min(WINDOW, streamEnd - start));
    const frames = consecutiveMpegFrames(window, reference);
    if (frames.length === 0) {
      return { omitted: `no frame of its stream was found at byte ${start}` };
    }
    for (const frame of frames) {
      if (frame.header.bitrate !== reference.bitrate) {
        const rates = `${frame.header.bitrate / 1000} and ${reference.bitrate / 1000} kb/s`;
        return { omitted: `its frames have different bit rates (${rates})` };
      }
      const at = start + frame.offset - first.offset;
      if (Math.abs(at - Math.round(at / average) * average) >= slot) {
        return {
          omitted: `the frame at byte ${start + frame.offset} is not where a constant bit rate puts it`,
        };
      }
      lastEnd = Math.max(lastEnd, start + frame.offset + frame.header.frameLength);
    }
  }
  if (lastEnd !== streamEnd) {
    return { omitted: `its last frame ends at byte ${lastEnd}, not where the stream ends (${streamEnd})` };
  }
  return { frames: Math.round(length / average) };
}
