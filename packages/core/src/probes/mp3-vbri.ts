import type { MpegFrameHeader } from "./mp3-frame";

/** What the first frame of an MP3 says about the whole stream, when it is an info frame. */
export interface Mp3StreamHeader {
  /** "xing" (VBR) and "info" (CBR) are LAME's tag, "vbri" is Fraunhofer's. */
  kind: "xing" | "info" | "vbri";
  /** Audio frames in the stream, the info frame not included. */
  frames?: number;
  /** Bytes of the stream from the info frame on, when the encoder recorded them. */
  bytes?: number;
}

// Fraunhofer's VBRI tag always sits 32 bytes after the 4-byte header, whatever the side info.
const VBRI_OFFSET = 4 + 32;

/**
 * Reads the Xing/Info or VBRI tag from the first frame (`frame` starts at its header). VBRI is read
 * here because music-metadata 11 does not know it, so its VBR files would get no duration at all.
 */
export function readMp3StreamHeader(frame: Uint8Array, header: MpegFrameHeader): Mp3StreamHeader | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const xingAt = 4 + header.sideInfoLength;
  const xingTag = ascii(frame, xingAt, 4);
  if ((xingTag === "Xing" || xingTag === "Info") && frame.byteLength >= xingAt + 8) {
    // Flags say which optional fields follow, in order: frames (bit 0), bytes (bit 1).
    const flags = view.getUint32(xingAt + 4);
    let at = xingAt + 8;
    const field = (bit: number) => {
      if ((flags & bit) === 0 || at + 4 > frame.byteLength) return undefined;
      at += 4;
      return view.getUint32(at - 4);
    };
    const frames = field(1);
    const bytes = field(2);
    return { kind: xingTag === "Xing" ? "xing" : "info", frames, bytes };
  }
  // VBRI: magic, version (2), delay (2), quality (2), bytes (4), frames (4), then a seek table.
  if (ascii(frame, VBRI_OFFSET, 4) === "VBRI" && frame.byteLength >= VBRI_OFFSET + 18) {
    return {
      kind: "vbri",
      bytes: view.getUint32(VBRI_OFFSET + 10),
      frames: view.getUint32(VBRI_OFFSET + 14),
    };
  }
  return undefined;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}
