import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { crc32Ogg } from "./audio-crc";
import type { AudioFacts, AudioInput } from "./audio-facts";

const HEADER = 27;
/** The largest page: header, 255 lacing values, 255 segments of 255 bytes. */
const MAX_PAGE = HEADER + 255 + 255 * 255;
/** Tail windows tried in turn: most last pages fit the first; two maximal pages fit the second. */
const TAIL_WINDOWS = [16 * 1024, 2 * MAX_PAGE];
const OPUS_RATE = 48000;

interface OggPage {
  end: number;
  flags: number;
  serial: number;
  /** -1 when no packet ends on the page. */
  granule: number;
}

/**
 * Duration of an Ogg Vorbis or Opus stream from the granule position of its last page, found by
 * reading only the file's tail (music-metadata reads every page for it, or gives none with
 * `duration: false`). Opus durations exclude the pre-skip, as RFC 7845 §4.1 defines the playback
 * length, so they are 6.5 ms (libopus's 312 samples) shorter than ffprobe's.
 */
export async function measureOgg({ source, start }: AudioInput): Promise<AudioFacts> {
  const first = await source.read(start, HEADER + 255 + 64);
  const page = parsePage(first, 0, false);
  if (page === undefined || page.end > first.byteLength) {
    const cut = start + (page?.end ?? HEADER) > source.size;
    return { error: issue(cut ? "media-truncated" : "media-corrupt", "the first Ogg page is incomplete") };
  }
  const body = first.subarray(HEADER + (first[26] ?? 0), page.end);
  const id = String.fromCharCode(...body.subarray(0, 8));
  const opus = id === "OpusHead";
  if (!opus && !id.startsWith("\x01vorbis")) {
    return { omitted: `Ogg streams of this codec are not measured (only Vorbis and Opus are)` };
  }
  if (body.byteLength < (opus ? 19 : 30)) {
    return { error: issue("media-corrupt", "the Ogg codec header is cut") };
  }
  // Identification headers: OpusHead (RFC 7845 §5.1), Vorbis I §4.2.2.
  const header = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const numChannels = header.getUint8(opus ? 9 : 11);
  // Opus decodes at 48 kHz whatever input rate its header records; its granules count 48 kHz samples.
  const rate = opus ? OPUS_RATE : header.getUint32(12, true);
  const preSkip = opus ? header.getUint16(10, true) : 0;
  const codec = opus ? "opus" : "vorbis";
  const last = await findLastGranule(source, start, page.serial);
  if ("error" in last) return { codec, error: issue("media-truncated", last.error) };
  const fields = { codec, numChannels, sampleRate: rate };
  if (last.granule === undefined || rate === 0) {
    return { ...fields, omitted: "the last page of the audio stream is not near the end of the file" };
  }
  return { ...fields, duration: Math.max(0, last.granule - preSkip) / rate };
}

async function findLastGranule(
  source: ByteSource,
  start: number,
  serial: number,
): Promise<{ granule?: number } | { error: string }> {
  for (const window of TAIL_WINDOWS) {
    const from = Math.max(start, source.size - window);
    const tail = await source.read(from, source.size - from);
    let lastPage: OggPage | undefined;
    for (let at = tail.lastIndexOf(0x4f); at >= 0; at = at > 0 ? tail.lastIndexOf(0x4f, at - 1) : -1) {
      const page = parsePage(tail, at, true);
      if (page === undefined) continue;
      if (lastPage === undefined) {
        lastPage = page;
        if (page.end !== tail.byteLength) return { error: "the file ends inside an Ogg page" };
      }
      if (page.serial === serial && page.granule >= 0) {
        if ((page.flags & 4) === 0) return { error: "the Ogg stream ends without its end-of-stream page" };
        return { granule: page.granule };
      }
    }
    if (from === start) break;
  }
  return {};
}

/** Parses the page at `at` when it lies whole in `bytes` and, if asked, its checksum matches. */
function parsePage(bytes: Uint8Array, at: number, verify: boolean): OggPage | undefined {
  if (at + HEADER > bytes.byteLength || String.fromCharCode(...bytes.subarray(at, at + 4)) !== "OggS") {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, bytes.byteLength - at);
  const segments = view.getUint8(26);
  if (view.getUint8(4) !== 0 || at + HEADER + segments > bytes.byteLength) return undefined;
  const bodyLength = bytes.subarray(at + HEADER, at + HEADER + segments).reduce((sum, b) => sum + b, 0);
  const end = at + HEADER + segments + bodyLength;
  if (verify) {
    if (end > bytes.byteLength) return undefined;
    const page = bytes.slice(at, end);
    page.fill(0, 22, 26);
    if (crc32Ogg(page) !== view.getUint32(22, true)) return undefined;
  }
  const granule = view.getBigInt64(6, true);
  return {
    end,
    flags: view.getUint8(5),
    serial: view.getUint32(14, true),
    granule: Number(granule),
  };
}
