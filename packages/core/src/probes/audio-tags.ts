import type { ByteSource } from "../bytes/byte-source";

const ID3V2_HEADER = 10;
const ID3V1_LENGTH = 128;
const APE_FOOTER = 32;
/** Stacked ID3v2 tags are rare; the cap keeps a crafted file from asking for thousands of reads. */
const MAX_ID3V2_TAGS = 16;

/**
 * Length of the ID3v2 tags before the audio (several may be stacked), read header by header so
 * that a tag holding megabytes of cover art is stepped over without reading it.
 */
export async function leadingId3v2Length(source: ByteSource): Promise<number> {
  let at = 0;
  for (let tags = 0; tags < MAX_ID3V2_TAGS; tags += 1) {
    const size = id3v2TagSize(await source.read(at, ID3V2_HEADER));
    if (size === undefined) break;
    at += size;
  }
  return at;
}

/** Size of an ID3v2 tag (header, frames and optional footer) from its 10-byte header. */
function id3v2TagSize(header: Uint8Array): number | undefined {
  if (header.byteLength < ID3V2_HEADER) return undefined;
  const [i, d, three, major = 0, , flags = 0, ...size] = header;
  if (i !== 0x49 || d !== 0x44 || three !== 0x33 || major === 0xff) return undefined;
  // The size is "synchsafe": four bytes of seven bits each.
  if (size.some((b) => b >= 0x80)) return undefined;
  const body = size.slice(0, 4).reduce((sum, b) => sum * 128 + b, 0);
  const footer = (flags & 0x10) !== 0 ? ID3V2_HEADER : 0;
  return ID3V2_HEADER + body + footer;
}

/**
 * Length of the tags after the audio: an ID3v1 tag (128 bytes, "TAG") and an APEv2 tag before it,
 * which are not audio and must not count in a duration computed from the stream's byte size.
 */
export async function trailingTagLength(source: ByteSource, audioStart: number): Promise<number> {
  let end = source.size;
  if (end - audioStart >= ID3V1_LENGTH) {
    const tail = await source.read(end - ID3V1_LENGTH, 3);
    if (latin1(tail) === "TAG") end -= ID3V1_LENGTH;
  }
  if (end - audioStart >= APE_FOOTER) {
    const footer = await source.read(end - APE_FOOTER, APE_FOOTER);
    if (latin1(footer.subarray(0, 8)) === "APETAGEX") {
      const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
      const hasHeader = (view.getUint32(20, true) & 0x80000000) !== 0;
      const length = view.getUint32(12, true) + (hasHeader ? APE_FOOTER : 0);
      end = Math.max(audioStart, end - length);
    }
  }
  return source.size - end;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
