import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { type AudioFacts, type AudioInput, cutShort } from "./audio-facts";

/** Chunks walked before giving up on finding `COMM` and `SSND` (real files have a handful). */
const MAX_CHUNKS = 64;
/** COMM's fields up to and including AIFF-C's compression type (its name, a Pascal string, is not read). */
const COMM_FIELDS = 22;

/** AIFF-C compression types of linear PCM (either byte order, or unsigned 8-bit) and IEEE float. */
const PCM_TYPES = new Set(["NONE", "twos", "sowt", "in24", "in32", "raw ", "fl32", "FL32", "fl64", "FL64"]);
/** G.711 is 8 bits a sample whatever `sampleSize` says (Apple writes 16, the decoded size). */
const G711_CODECS: Record<string, string> = {
  ulaw: "pcm_mulaw",
  ULAW: "pcm_mulaw",
  alaw: "pcm_alaw",
  ALAW: "pcm_alaw",
};

interface Chunk {
  offset: number;
  size: number;
}

/**
 * Measures AIFF and AIFF-C from the `COMM` chunk (channels, sample frames, sample size, rate),
 * reading chunk headers and COMM's 22 bytes, so the bytes read do not grow with the file. A reader
 * of its own: music-metadata keeps 16 bits of the 80-bit rate (22254.54 Hz becomes 22254) and
 * walks every chunk header to the end of the file.
 */
export async function measureAiff({ source, start }: AudioInput): Promise<AudioFacts> {
  const aifc = ascii(await source.read(start + 8, 4)) === "AIFC";
  const { comm, ssnd } = await walkChunks(source, start);
  if (comm === undefined || comm.size < (aifc ? COMM_FIELDS : 18) || comm.offset + comm.size > source.size) {
    const cut = comm === undefined || comm.offset + comm.size > source.size;
    const message = `the ${aifc ? "AIFF-C" : "AIFF"} file has no complete COMM chunk`;
    return { error: issue(cut ? "media-truncated" : "media-corrupt", message) };
  }
  const fields = await source.read(comm.offset, COMM_FIELDS);
  const view = new DataView(fields.buffer, fields.byteOffset, fields.byteLength);
  const numChannels = view.getUint16(0);
  const frames = view.getUint32(2);
  const sampleSize = view.getUint16(6);
  const rate = extended80(view, 8);
  const compression = aifc ? ascii(fields.subarray(18, 22)) : "NONE";
  if (!(Number.isFinite(rate) && rate >= 1) || numChannels === 0) {
    return { error: issue("media-corrupt", "the COMM chunk has no sample rate or no channels") };
  }
  const cut =
    ssnd !== undefined && ssnd.offset + ssnd.size > source.size
      ? `the SSND chunk ends at byte ${ssnd.offset + ssnd.size}, the file at ${source.size}`
      : undefined;
  // ffprobe truncates a fractional rate (the old Macintosh 22254.54 Hz) to an integer too.
  const facts: AudioFacts = { sampleRate: Math.floor(rate), numChannels };
  const codec = PCM_TYPES.has(compression) ? "pcm" : G711_CODECS[compression];
  if (codec === undefined) {
    return {
      ...facts,
      omitted: `AIFF-C audio compressed as '${compression}' is not measured (PCM, float and G.711 are)`,
    };
  }
  if (frames === 0 && ssnd !== undefined && ssnd.size === 0 && ssnd.offset + 8 < source.size) {
    // A writer that could not seek back (ffmpeg into a pipe) leaves both counts at 0.
    return { ...facts, codec, omitted: "the AIFF header counts no sample frames, yet sound data follows it" };
  }
  const bitDepth = codec === "pcm" ? sampleSize : 8;
  if (cut !== undefined) return cutShort({ ...facts, codec, bitDepth }, cut);
  return { ...facts, codec, bitDepth, duration: frames / rate };
}

/** Walks the IFF chunk headers (8 bytes, big-endian sizes) after the form type, skipping bodies. */
async function walkChunks(source: ByteSource, start: number): Promise<{ comm?: Chunk; ssnd?: Chunk }> {
  const found: { comm?: Chunk; ssnd?: Chunk } = {};
  let at = start + 12;
  for (let n = 0; n < MAX_CHUNKS && at + 8 <= source.size; n += 1) {
    const header = await source.read(at, 8);
    const id = ascii(header.subarray(0, 4));
    const chunk = { offset: at + 8, size: new DataView(header.buffer, header.byteOffset).getUint32(4) };
    if (id === "COMM") found.comm = chunk;
    if (id === "SSND") found.ssnd = chunk;
    if (found.comm !== undefined && found.ssnd !== undefined) break;
    // Chunk bodies are padded to an even length.
    at = chunk.offset + chunk.size + (chunk.size % 2);
  }
  return found;
}

/** An 80-bit IEEE 754 extended float (big-endian): sign and 15-bit exponent, 64-bit mantissa. */
function extended80(view: DataView, at: number): number {
  const signAndExponent = view.getUint16(at);
  const exponent = (signAndExponent & 0x7fff) - 16383;
  const high = view.getUint32(at + 2);
  const low = view.getUint32(at + 6);
  // Each half scaled by a power of two is exact; integer rates need only the high half.
  const magnitude = high * 2 ** (exponent - 31) + low * 2 ** (exponent - 63);
  return signAndExponent & 0x8000 ? -magnitude : magnitude;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
