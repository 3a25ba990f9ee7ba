import { type MpegFrameHeader, parseMpegFrameHeader } from "./mp3-frame";

/** A frame found in a buffer: where it starts and what its header says. */
export interface MpegFrame {
  offset: number;
  header: MpegFrameHeader;
}

/**
 * Tells whether `header` belongs to the stream `reference` starts: same version, layer, rate and
 * channel count. Bit rate and padding may change from frame to frame; these may not.
 */
export function sameMpegStream(header: MpegFrameHeader, reference: MpegFrameHeader): boolean {
  return (
    header.version === reference.version &&
    header.layer === reference.layer &&
    header.sampleRate === reference.sampleRate &&
    header.channels === reference.channels
  );
}

/**
 * Finds the first complete frame of `reference`'s stream at or after `from` that the next frame
 * header confirms (or that ends exactly at the end of `bytes`), so that a stray 0xFFE in audio
 * data or junk is not taken for a frame.
 */
export function resyncMpegFrame(
  bytes: Uint8Array,
  from: number,
  reference: MpegFrameHeader,
): MpegFrame | undefined {
  for (let at = bytes.indexOf(0xff, from); at !== -1; at = bytes.indexOf(0xff, at + 1)) {
    const header = frameAt(bytes, at, reference);
    if (header === undefined) continue;
    const next = at + header.frameLength;
    const following = parseMpegFrameHeader(bytes, next);
    if (next === bytes.byteLength || (following !== undefined && sameMpegStream(following, reference))) {
      return { offset: at, header };
    }
  }
  return undefined;
}

/**
 * The frames of `reference`'s stream that follow one another from the first confirmed one in
 * `bytes` on, each complete within `bytes`; empty when no frame is found.
 */
export function consecutiveMpegFrames(bytes: Uint8Array, reference: MpegFrameHeader): MpegFrame[] {
  const first = resyncMpegFrame(bytes, 0, reference);
  const frames: MpegFrame[] = [];
  for (let frame = first; frame !== undefined; ) {
    frames.push(frame);
    const next = frame.offset + frame.header.frameLength;
    const header = frameAt(bytes, next, reference);
    frame = header === undefined ? undefined : { offset: next, header };
  }
  return frames;
}

/**
 * Counts the complete frames of `reference`'s stream in `bytes` from `start`, header by header;
 * after bytes that are not a frame (junk, a damaged frame) it resyncs, as decoders do, and stops
 * where no further frame is found (tags, zero padding, a frame cut by the end of the file).
 */
export function countMpegFrames(bytes: Uint8Array, start: number, reference: MpegFrameHeader): number {
  let frames = 0;
  let at = start;
  while (at + 4 <= bytes.byteLength) {
    const header = frameAt(bytes, at, reference);
    if (header !== undefined) {
      frames += 1;
      at += header.frameLength;
      continue;
    }
    const next = resyncMpegFrame(bytes, at + 1, reference);
    if (next === undefined) break;
    at = next.offset;
  }
  return frames;
}

/** The header at `at` when it is a complete frame of `reference`'s stream within `bytes`. */
function frameAt(bytes: Uint8Array, at: number, reference: MpegFrameHeader): MpegFrameHeader | undefined {
  const header = parseMpegFrameHeader(bytes, at);
  if (header === undefined || !sameMpegStream(header, reference)) return undefined;
  return at + header.frameLength <= bytes.byteLength ? header : undefined;
}
