import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { type AudioFacts, type AudioInput, cutShort } from "./audio-facts";

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const UNKNOWN_SIZE = 0xffffffff;
/** Chunks walked before giving up on finding `fmt ` and `data` (real files have a handful). */
const MAX_CHUNKS = 64;

interface WaveChunks {
  riffEnd: number;
  fmt?: { offset: number; size: number };
  data?: { offset: number; size: number };
}

/**
 * Checks a RIFF/WAVE file's structure and names its codec. music-metadata reports a cut `fmt `
 * chunk as a bare "WAVE" with no fields and a cut `data` chunk as a warning; here both are errors.
 * It also names WAVE_FORMAT_EXTENSIBLE's sub-format (ffmpeg writes it for 24-bit), which
 * music-metadata leaves as "non-PCM (65534)".
 */
export async function measureWav({ source, start, format }: AudioInput): Promise<AudioFacts> {
  const chunks = await walkChunks(source, start);
  const cut = chunks.riffEnd > source.size;
  if (chunks.fmt === undefined || chunks.fmt.size < 16) {
    const message = cut
      ? `the file ends at byte ${source.size}, inside the WAVE header (RIFF declares ${chunks.riffEnd})`
      : "the WAVE file has no complete fmt chunk";
    return { error: issue(cut ? "media-truncated" : "media-corrupt", message) };
  }
  if (chunks.data === undefined) {
    return { error: issue(cut ? "media-truncated" : "media-corrupt", "the WAVE file has no data chunk") };
  }
  const dataEnd = chunks.data.offset + chunks.data.size;
  // A writer that could not seek back (a pipe) leaves the size at 0xFFFFFFFF: "up to the end".
  const cutAt =
    dataEnd > source.size && chunks.data.size !== UNKNOWN_SIZE
      ? `the data chunk ends at byte ${dataEnd}, the file at ${source.size}`
      : undefined;
  const fmt = await source.read(chunks.fmt.offset, Math.min(chunks.fmt.size, 40));
  const view = new DataView(fmt.buffer, fmt.byteOffset, fmt.byteLength);
  const tag = view.getUint16(0, true);
  const bits = view.getUint16(14, true);
  const extensible = tag === WAVE_FORMAT_EXTENSIBLE && fmt.byteLength >= 26;
  // WAVE_FORMAT_EXTENSIBLE: valid bits at 18 (24 in a 32-bit container), sub-format GUID at 24.
  const code = extensible ? view.getUint16(24, true) : tag;
  const validBits = extensible ? view.getUint16(18, true) : 0;
  if (code !== WAVE_FORMAT_PCM && code !== WAVE_FORMAT_IEEE_FLOAT) {
    return { omitted: `WAVE audio in format 0x${code.toString(16)} is not measured (only PCM is)` };
  }
  const pcm = { codec: "pcm", bitDepth: validBits > 0 ? validBits : bits };
  if (cutAt !== undefined) return cutShort(pcm, cutAt);
  // music-metadata's duration honours a `fact` chunk's sample count and a data size to the end.
  return { ...pcm, duration: format.duration };
}

/** Walks the RIFF chunk headers (8 bytes each) from the `WAVE` form type on, skipping bodies. */
async function walkChunks(source: ByteSource, start: number): Promise<WaveChunks> {
  const head = await source.read(start, 12);
  const riffSize = head.byteLength >= 8 ? new DataView(head.buffer, head.byteOffset).getUint32(4, true) : 0;
  const chunks: WaveChunks = { riffEnd: start + 8 + riffSize };
  let at = start + 12;
  for (let n = 0; n < MAX_CHUNKS && at + 8 <= source.size; n += 1) {
    const header = await source.read(at, 8);
    const id = String.fromCharCode(...header.subarray(0, 4));
    const size = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(4, true);
    const body = { offset: at + 8, size };
    if (id === "fmt " && body.offset + size <= source.size) chunks.fmt = body;
    if (id === "data") {
      chunks.data = body;
      break;
    }
    // Chunk bodies are padded to an even length.
    at = body.offset + size + (size % 2);
  }
  return chunks;
}
