import { childrenOf, type EbmlChild, readFloat, readString, readUint } from "./ebml";
import { type MatroskaDisplay, type MatroskaVideo, matroskaDisplaySize } from "./matroska-display";

/** Segment Info: the timestamp scale and the Duration, which browser recordings leave out. */
export interface MatroskaInfo {
  /** Nanoseconds per timestamp unit. */
  timestampScale: number;
  /** Seconds; undefined when the file stores no Duration. */
  duration: number | undefined;
}

/** The fields of a TrackEntry that the probe reports. */
export interface MatroskaTrack {
  /** 1 video, 2 audio (Matroska TrackType). */
  type: number;
  codecId: string;
  codecPrivate: Uint8Array | undefined;
  /** Nanoseconds per frame; absent for variable-rate streams such as browser recordings. */
  defaultDuration: number | undefined;
  video: MatroskaVideo | undefined;
  /** The video's displayed size (matroska-display.ts), computed here so the probe only reports it. */
  display: MatroskaDisplay | undefined;
  audio: { samplingFrequency: number; channels: number; bitDepth: number | undefined } | undefined;
}

const ID = {
  timestampScale: 0x2ad7b1,
  duration: 0x4489,
  trackEntry: 0xae,
  trackType: 0x83,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  defaultDuration: 0x23e383,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  displayWidth: 0x54b0,
  displayHeight: 0x54ba,
  displayUnit: 0x54b2,
  pixelCropBottom: 0x54aa,
  pixelCropTop: 0x54bb,
  pixelCropLeft: 0x54cc,
  pixelCropRight: 0x54dd,
  audio: 0xe1,
  samplingFrequency: 0xb5,
  outputSamplingFrequency: 0x78b5,
  channels: 0x9f,
  bitDepth: 0x6264,
};

/** Reads Segment Info; the spec's default timestamp scale is 1 ms. */
export function parseInfo(data: Uint8Array): MatroskaInfo {
  const children = childrenOf(data);
  const scale = uintOf(children, ID.timestampScale) ?? 1_000_000;
  const duration = find(children, ID.duration);
  return {
    timestampScale: scale,
    // Rounded to the nanosecond so that 2.008 × 10⁶ ns reads as 2.008 s, not 2.0080000000000004.
    duration: duration === undefined ? undefined : Math.round(readFloat(duration.data) * scale) / 1e9,
  };
}

/** Reads every TrackEntry of a Tracks element. */
export function parseTracks(data: Uint8Array): MatroskaTrack[] {
  return childrenOf(data)
    .filter((child) => child.id === ID.trackEntry)
    .map((entry) => {
      const fields = childrenOf(entry.data);
      const video = find(fields, ID.video);
      const audio = find(fields, ID.audio);
      const codecId = find(fields, ID.codecId);
      const picture = video === undefined ? undefined : parseVideo(childrenOf(video.data));
      return {
        type: uintOf(fields, ID.trackType) ?? 0,
        codecId: codecId === undefined ? "" : readString(codecId.data),
        codecPrivate: find(fields, ID.codecPrivate)?.data,
        defaultDuration: uintOf(fields, ID.defaultDuration) || undefined,
        video: picture,
        display: picture && matroskaDisplaySize(picture),
        audio: audio === undefined ? undefined : parseAudio(childrenOf(audio.data)),
      };
    });
}

// What the Display elements mean, and which defaults apply, is matroska-display.ts's to decide.
function parseVideo(fields: EbmlChild[]): MatroskaVideo {
  return {
    pixelWidth: uintOf(fields, ID.pixelWidth) ?? 0,
    pixelHeight: uintOf(fields, ID.pixelHeight) ?? 0,
    displayWidth: uintOf(fields, ID.displayWidth),
    displayHeight: uintOf(fields, ID.displayHeight),
    displayUnit: uintOf(fields, ID.displayUnit) ?? 0,
    crop: {
      top: uintOf(fields, ID.pixelCropTop) ?? 0,
      bottom: uintOf(fields, ID.pixelCropBottom) ?? 0,
      left: uintOf(fields, ID.pixelCropLeft) ?? 0,
      right: uintOf(fields, ID.pixelCropRight) ?? 0,
    },
  };
}

function parseAudio(fields: EbmlChild[]): MatroskaTrack["audio"] {
  // HE-AAC stores the core rate and the decoded rate apart; ffprobe reports the decoded one.
  const output = find(fields, ID.outputSamplingFrequency);
  const rate = output ?? find(fields, ID.samplingFrequency);
  return {
    samplingFrequency: rate === undefined ? 8000 : readFloat(rate.data),
    channels: uintOf(fields, ID.channels) ?? 1,
    bitDepth: uintOf(fields, ID.bitDepth),
  };
}

function find(children: EbmlChild[], id: number): EbmlChild | undefined {
  return children.find((child) => child.id === id);
}

function uintOf(children: EbmlChild[], id: number): number | undefined {
  const child = find(children, id);
  return child === undefined ? undefined : readUint(child.data);
}
