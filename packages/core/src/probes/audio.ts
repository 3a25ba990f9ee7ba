import { parseFromTokenizer } from "music-metadata";
import type { ByteSource } from "../bytes/byte-source";
import { type Issue, issue } from "../issues";
import { type AudioContainer, describeOtherContent, sniffAudioContainer } from "./audio-container";
import type { AudioFacts, AudioFormat } from "./audio-facts";
import { leadingId3v2Length } from "./audio-tags";
import { createByteSourceTokenizer } from "./byte-source-tokenizer";
import { emptyOutcome, type MediaProbe, type ProbeOutcome, type ProbeSettings } from "./probe-types";

const BLOCK = "audioMetadata";
/** Read after the ID3v2 tag: enough to sniff the container and find two MP3 frames (≤ 1,728 bytes each). */
const HEAD = 4 * 1024;
/**
 * `duration: false` keeps music-metadata from reading the whole stream for a duration (our
 * container readers find it from headers and the tail); it still estimates CBR MP3 from the size.
 */
const PARSE_OPTIONS = { duration: false, skipCovers: true, skipPostHeaders: true };
/**
 * What music-metadata sees of MPEG audio (and ADTS, which it reads with the same parser): it needs
 * only the first four frames (its CBR test), but when frames stop, as in a file padded with zeros,
 * it resyncs 1 KiB at a time to the end of the object, which took minutes for a large one.
 * Durations come from our own reader (audio-mpeg.ts), never from music-metadata's size estimate.
 */
const MPEG_PARSE_WINDOW = 64 * 1024;

/**
 * Measures MP3 (and MP1/MP2), WAV, AIFF/AIFF-C, FLAC and Ogg Vorbis/Opus with music-metadata
 * over ranged reads plus small readers for what it misses, so the bytes read do not grow with the
 * file. Handles audio/mpeg, audio/wav, audio/x-wav, audio/vnd.wave, audio/aiff, audio/x-aiff,
 * audio/flac, audio/x-flac, audio/ogg, audio/opus and audio/aac (ADTS: fields without a duration,
 * block omitted).
 */
export const probeAudio: MediaProbe = async (source, settings) => {
  // A failed read (S3, network) is told apart from a parser's complaint about the bytes.
  let readFailed = false;
  const watched: ByteSource = {
    size: source.size,
    read: (offset, length) =>
      source.read(offset, length).catch((error: unknown) => {
        readFailed = true;
        throw error;
      }),
  };
  try {
    return await measureAudio(watched, settings);
  } catch (error) {
    // music-metadata throws on some malformed input; that is a fault in the file, not in Sluice.
    const message = error instanceof Error ? error.message : String(error);
    if (readFailed) return failed(issue("media-read-failed", `the audio could not be read: ${message}`));
    return failed(issue("media-corrupt", `the audio could not be parsed: ${message}`));
  }
};

async function measureAudio(source: ByteSource, settings: ProbeSettings): Promise<ProbeOutcome> {
  if (source.size === 0) return failed(issue("media-truncated", "the file is empty"));
  const start = await leadingId3v2Length(source);
  if (start >= source.size) return failed(issue("media-truncated", "the file ends inside its ID3v2 tag"));
  const head = await source.read(start, HEAD);
  const endOfFile = start + head.byteLength >= source.size;
  const container = sniffAudioContainer(head, endOfFile);
  if (container === undefined) return otherContent(head, endOfFile);
  const format = container.musicMetadata ? await parseAudioFormat(source, start, container) : {};
  const facts = await container.measure({ source, start, format });
  if (facts.error) return failed(facts.error);
  return toOutcome(container, format, facts, settings);
}

/** Runs music-metadata over ranged reads: it never sees more of the file than it asks for. */
async function parseAudioFormat(
  source: ByteSource,
  start: number,
  container: AudioContainer,
): Promise<AudioFormat> {
  const length = container.mimeType === "audio/mpeg" ? MPEG_PARSE_WINDOW : undefined;
  const tokenizer = await createByteSourceTokenizer(source, { start, mimeType: container.mimeType, length });
  try {
    return (await parseFromTokenizer(tokenizer, PARSE_OPTIONS)).format;
  } finally {
    await tokenizer.close();
  }
}

function toOutcome(
  container: AudioContainer,
  format: AudioFormat,
  facts: AudioFacts,
  settings: ProbeSettings,
): ProbeOutcome {
  const sampleRate = positiveInteger(facts.sampleRate ?? format.sampleRate);
  const numChannels = positiveInteger(facts.numChannels ?? format.numberOfChannels);
  if (sampleRate === undefined || numChannels === undefined) {
    return failed(issue("media-corrupt", `no complete ${container.name} stream header was found`));
  }
  const media: ProbeOutcome["media"] = { sampleRate, numChannels };
  const duration = facts.duration;
  if (duration !== undefined && Number.isFinite(duration) && duration >= 0) media.duration = duration;
  if (facts.codec !== undefined) media.codec = facts.codec;
  const bitDepth = container.lossless
    ? positiveInteger(facts.bitDepth ?? format.bitsPerSample)
    : settings.lossyBitDepth;
  if (bitDepth !== undefined) media.bitDepth = bitDepth;
  const outcome: ProbeOutcome = { ...emptyOutcome(), media };
  const missing = (["duration", "codec", "bitDepth"] as const).filter((field) => media[field] === undefined);
  const reason =
    facts.omitted ??
    (missing.length > 0 ? `${container.name}: no ${missing.join(", ")} measured` : undefined);
  if (reason !== undefined) outcome.omitted.push({ block: BLOCK, reason });
  if (facts.warning !== undefined) outcome.warnings.push(facts.warning);
  return outcome;
}

async function otherContent(head: Uint8Array, endOfFile: boolean): Promise<ProbeOutcome> {
  const other = await describeOtherContent(head);
  if (other.kind === "measured-type") {
    // It starts like one of ours (an ID3v2 tag, a magic number) but no stream header follows.
    const message = `the bytes start like ${other.type} but hold no complete stream header`;
    return failed(issue(endOfFile ? "media-truncated" : "media-corrupt", message));
  }
  if (other.kind === "not-audio") {
    return failed(
      issue("media-corrupt", `the bytes are ${other.type}, not MP3, WAV, AIFF, FLAC, Ogg or AAC audio`),
    );
  }
  return { ...emptyOutcome(), omitted: [{ block: BLOCK, reason: `${other.type} audio is not measured` }] };
}

function failed(error: Issue): ProbeOutcome {
  return { ...emptyOutcome(), errors: [error] };
}

function positiveInteger(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}
