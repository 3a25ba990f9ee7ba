import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { codecOfFourcc, codecOfWaveFormat, isLossyAudio } from "./codec-names";
import { failedOutcome, ProbeFailureError, readExactly } from "./probe-failure";
import { emptyOutcome, type MediaProbe, type ProbeOutcome, type ProbeSettings } from "./probe-types";
import { type RiffChunk, riffChunksOf } from "./riff-chunks";

interface AviStream {
  /** `vids` or `auds` (AVISTREAMHEADER fccType). */
  type: string;
  handler: Uint8Array;
  scale: number;
  rate: number;
  /** Length in units of scale/rate: frames for video. */
  length: number;
  /** The stream format: a BITMAPINFOHEADER for video, a WAVEFORMATEX for audio. */
  format: Uint8Array;
}

interface AviHeaders {
  width: number;
  height: number;
  streams: AviStream[];
  /** OpenDML `dmlh` total frames, which counts the frames of every RIFF-AVIX part. */
  totalFrames: number | undefined;
  /** Why the headers, though readable, cannot be trusted for the frame count or were read in part. */
  damage: { code: "media-truncated" | "media-corrupt"; message: string } | undefined;
}

// The hdrl list is a few KB (ffmpeg reserves 4 KB per stream for OpenDML indexes).
const HEADER_CAP = 1_000_000;
// Chunks before hdrl: none in well-formed files, so only a few JUNK chunks are tolerated.
const MAX_CHUNKS = 16;
const NO_FRAME_COUNT =
  "the AVI video stream header has no frame count (dwLength 0), as in a file never finalized";

/**
 * Measures an AVI file (video/x-msvideo, video/avi, video/msvideo) from its `hdrl` header list
 * alone, never reading `movi` or `idx1`: fps is the video stream's dwRate/dwScale and the
 * duration its frame count times dwScale/dwRate. A file shorter than its RIFF size, or with an
 * oversized `hdrl`, still plays in ffmpeg and every player (they read the chunks that are there), so
 * it is kept with a warning rather than refused: only a file without readable headers is an error.
 */
export const probeAvi: MediaProbe = async (source, settings) => {
  try {
    return measure(await readAviHeaders(source), settings);
  } catch (error) {
    return failedOutcome(error, "AVI");
  }
};

async function readAviHeaders(source: ByteSource): Promise<AviHeaders> {
  const riff = await readExactly(source, 0, 12, "RIFF header");
  if (ascii(riff, 0) !== "RIFF" || ascii(riff, 8) !== "AVI ") {
    throw new ProbeFailureError("media-corrupt", "the file does not start with a RIFF 'AVI ' header");
  }
  const declaredEnd = 8 + u32(riff, 4);
  // A cut download or a recording never finalized: players read the chunks that are there.
  let damage: AviHeaders["damage"] =
    declaredEnd > source.size
      ? {
          code: "media-truncated",
          message: `the file is ${source.size} bytes but its RIFF chunk declares ${declaredEnd}: the header's frame count may count frames the file does not hold`,
        }
      : undefined;
  const riffEnd = Math.min(declaredEnd, source.size);
  let at = 12;
  for (let i = 0; i < MAX_CHUNKS && at + 12 <= riffEnd; i++) {
    const head = await readExactly(source, at, 12, "chunk header");
    const size = u32(head, 4);
    if (ascii(head, 0) === "LIST" && ascii(head, 8) === "hdrl") {
      if (size < 4) throw new ProbeFailureError("media-corrupt", "the hdrl header list is empty");
      // A size past the RIFF end or the read cap is a damaged field (the list itself is a few KB):
      // read up to the cap and keep the whole chunks found, as ffmpeg does.
      const length = Math.min(size - 4, HEADER_CAP, riffEnd - at - 12);
      if (length < size - 4) {
        damage ??= {
          code: "media-corrupt",
          message: `the hdrl header list declares ${size} bytes; its first ${length} were read`,
        };
      }
      const data = await readExactly(source, at + 12, length, "hdrl header list");
      const cutByEnd = length < size - 4 && at + 12 + length >= source.size;
      try {
        const headers = parseHeaderList(riffChunksOf(data, { partial: length < size - 4 }));
        if (headers.streams.length > 0 || !cutByEnd) return { ...headers, damage };
      } catch (error) {
        if (!cutByEnd) throw error;
      }
      throw new ProbeFailureError(
        "media-truncated",
        `the file ends inside its hdrl header list at byte ${at}`,
      );
    }
    if (ascii(head, 0) === "LIST" && ascii(head, 8) === "movi") break;
    at += 8 + size + (size & 1);
  }
  throw new ProbeFailureError("media-corrupt", "no hdrl header list before the movie data");
}

function parseHeaderList(chunks: RiffChunk[]): Omit<AviHeaders, "damage"> {
  const avih = chunks.find((chunk) => chunk.id === "avih")?.data;
  if (avih === undefined || avih.byteLength < 40)
    throw new ProbeFailureError("media-corrupt", "no avih main header");
  const streams = chunks.filter((chunk) => chunk.id === "LIST" && chunk.listType === "strl").map(parseStream);
  const odml = chunks.find((chunk) => chunk.id === "LIST" && chunk.listType === "odml");
  const dmlh =
    odml === undefined ? undefined : riffChunksOf(odml.data).find((chunk) => chunk.id === "dmlh")?.data;
  return {
    width: u32(avih, 32),
    height: u32(avih, 36),
    streams,
    totalFrames: dmlh !== undefined && dmlh.byteLength >= 4 ? u32(dmlh, 0) : undefined,
  };
}

function parseStream(list: RiffChunk): AviStream {
  const chunks = riffChunksOf(list.data);
  const strh = chunks.find((chunk) => chunk.id === "strh")?.data;
  if (strh === undefined || strh.byteLength < 36)
    throw new ProbeFailureError("media-corrupt", "a stream has no strh header");
  return {
    type: ascii(strh, 0),
    handler: strh.subarray(4, 8),
    scale: u32(strh, 20),
    rate: u32(strh, 24),
    length: u32(strh, 32),
    format: chunks.find((chunk) => chunk.id === "strf")?.data ?? new Uint8Array(0),
  };
}

function measure(headers: AviHeaders, settings: ProbeSettings): ProbeOutcome {
  const video = headers.streams.find((stream) => stream.type === "vids");
  const audio = headers.streams.find((stream) => stream.type === "auds");
  const outcome =
    video !== undefined
      ? measureVideo(headers, video)
      : audio !== undefined
        ? measureAudio(audio, settings)
        : undefined;
  if (outcome === undefined)
    throw new ProbeFailureError("media-corrupt", "the AVI has no video or audio stream");
  const { damage } = headers;
  if (damage === undefined) return outcome;
  outcome.warnings.push(issue(damage.code, damage.message));
  // A truncated file's header counts frames that are gone, so its duration is not measured.
  if (damage.code === "media-truncated") {
    const block = video !== undefined ? "videoMetadata" : "audioMetadata";
    delete outcome.media.duration;
    if (!outcome.omitted.some((o) => o.block === block))
      outcome.omitted.push({ block, reason: damage.message });
  }
  return outcome;
}

function measureVideo(headers: AviHeaders, video: AviStream): ProbeOutcome {
  if (video.scale === 0 || video.rate === 0)
    throw new ProbeFailureError("media-corrupt", "the video stream has no rate");
  const outcome = emptyOutcome();
  const format = video.format;
  // biHeight is negative for top-down bitmaps; the frame is the same size.
  const hasFormat = format.byteLength >= 20;
  const width = hasFormat ? i32(format, 4) : headers.width;
  const height = hasFormat ? Math.abs(i32(format, 8)) : headers.height;
  if (width <= 0 || height <= 0)
    throw new ProbeFailureError("media-corrupt", "the video stream has no frame size");
  const codec = codecOfFourcc(hasFormat ? format.subarray(16, 20) : video.handler);
  outcome.media = { width, height, codec, fps: video.rate / video.scale };
  // strh counts the first RIFF part in some OpenDML writers; dmlh counts them all.
  const frames = Math.max(video.length, headers.totalFrames ?? 0);
  if (frames === 0) outcome.omitted.push({ block: "videoMetadata", reason: NO_FRAME_COUNT });
  else outcome.media.duration = seconds(frames, video);
  return outcome;
}

function measureAudio(audio: AviStream, settings: ProbeSettings): ProbeOutcome {
  const format = audio.format;
  if (format.byteLength < 16 || audio.scale === 0 || audio.rate === 0) {
    throw new ProbeFailureError("media-corrupt", "the audio stream has no WAVEFORMATEX or rate");
  }
  const codec = codecOfWaveFormat(format);
  const [numChannels, sampleRate, bits] = [u16(format, 2), u32(format, 4), u16(format, 14)];
  if (numChannels === 0 || sampleRate === 0)
    throw new ProbeFailureError("media-corrupt", "the audio format is empty");
  const bitDepth = isLossyAudio(codec) ? settings.lossyBitDepth : bits;
  const media = { codec, numChannels, sampleRate, duration: seconds(audio.length, audio) };
  return { ...emptyOutcome(), media: bitDepth > 0 ? { ...media, bitDepth } : media };
}

/** Length × scale / rate, rounded to the nanosecond. */
function seconds(length: number, stream: AviStream): number {
  return Math.round((length * stream.scale * 1e9) / stream.rate) / 1e9;
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

function u16(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(at, true);
}

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

function i32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(at, true);
}
