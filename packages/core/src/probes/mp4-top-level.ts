import type { ByteSource } from "../bytes/byte-source";
import { sniffText } from "../typing/sniff";
import { isPrintableType, Mp4FormatError, parseBoxHeader } from "./mp4-boxes";

/** The largest `moov` the probe reads (one ranged read); a bigger one is refused, not fetched. */
export const MAX_MOOV_BYTES = 64 * 1024 * 1024;

/** Top-level boxes walked before giving up on finding a `moov` (each may cost one request). */
export const MAX_TOP_LEVEL_BOXES = 256;

/** Boxes that live inside a `moov`: a walk of its children stops at the first box of another kind. */
const MOOV_CHILDREN = new Set([
  "mvhd",
  "trak",
  "udta",
  "meta",
  "mvex",
  "iods",
  "pssh",
  "uuid",
  "free",
  "skip",
]);

/** A top-level box known from its header alone. */
export interface TopLevelBox {
  type: string;
  start: number;
  headerSize: number;
  end: number;
  /** Why `end` is not the declared one: a `moov` whose size field is garbage, cut to its whole children. */
  damage?: string;
}

/** The `moov` box: its bytes (header included) and where it lies in the file. */
export interface LocatedMoov {
  bytes: Uint8Array;
  start: number;
  end: number;
  damage?: string;
}

/**
 * Reads the header of the top-level box at `at` (8 or 16 bytes), checking that it fits in the
 * file; the payload is not read, so an `mdat` of any size costs nothing.
 */
export async function readTopLevelHeader(source: ByteSource, at: number): Promise<TopLevelBox> {
  const bytes = await source.read(at, 16);
  // Text named .mp4 (typed by its extension) reads as a box of absurd size: say what it is instead.
  const fault = (code: Mp4FormatError["code"], message: string) =>
    at === 0 && sniffText(bytes).kind === "text"
      ? new Mp4FormatError("media-corrupt", "not an MP4 (looks like text)")
      : new Mp4FormatError(code, message);
  const header = parseBoxHeader(bytes);
  if (header === undefined) {
    throw fault("media-truncated", `the file ends inside the box header at byte ${at}`);
  }
  if (!isPrintableType(header.type)) {
    throw fault(
      "media-corrupt",
      at === 0
        ? "not an MP4 or QuickTime file: it does not start with a box header"
        : `no box header at byte ${at}: the previous box's size is wrong`,
    );
  }
  const size = header.toEnd ? source.size - at : header.size;
  const name = JSON.stringify(header.type);
  if (size < header.headerSize) {
    throw fault("media-corrupt", `box ${name} at byte ${at} declares ${size} bytes, less than its header`);
  }
  if (at + size > source.size) {
    // A plausible size says the file was cut (a failed upload); an absurd one, that the field is garbage.
    if (header.type === "mdat" || size <= MAX_MOOV_BYTES) {
      const present = source.size - at;
      throw new Mp4FormatError(
        "media-truncated",
        `the file ends inside its ${header.type} box (${present} of ${size} bytes present)`,
      );
    }
    const declared = `box ${name} at byte ${at} declares ${size} bytes, past the end of the ${source.size}-byte file`;
    // ffmpeg and every player read a moov's children whatever its size field says: so does Sluice.
    if (header.type === "moov") {
      const end = await wholeChildrenEnd(source, at + header.headerSize);
      return {
        type: "moov",
        start: at,
        headerSize: header.headerSize,
        end,
        damage: `${declared}; its whole children were read`,
      };
    }
    throw fault("media-corrupt", declared);
  }
  return { type: header.type, start: at, headerSize: header.headerSize, end: at + size };
}

/** Where the run of whole `moov` children starting at `at` ends: at the first box that is not one. */
async function wholeChildrenEnd(source: ByteSource, at: number): Promise<number> {
  let end = at;
  for (let walked = 0; walked < MAX_TOP_LEVEL_BOXES; walked += 1) {
    const header = parseBoxHeader(await source.read(end, 16));
    if (header === undefined || header.toEnd || !MOOV_CHILDREN.has(header.type)) break;
    if (header.size < header.headerSize || end + header.size > source.size) break;
    end += header.size;
  }
  return end;
}

/**
 * Finds the `moov` at the start or the end of the file by hopping from box header to box header,
 * then reads it whole in one ranged read: bytes read depend on the `moov`, never on the `mdat`.
 */
export async function locateMoov(source: ByteSource): Promise<LocatedMoov> {
  if (source.size === 0) throw new Mp4FormatError("media-truncated", "the file is empty");
  let at = 0;
  for (let walked = 0; walked < MAX_TOP_LEVEL_BOXES; walked += 1) {
    if (at >= source.size) {
      throw new Mp4FormatError(
        "media-truncated",
        "no moov box: the file ends without its index (a recording cut off, or an incomplete upload)",
      );
    }
    const box = await readTopLevelHeader(source, at);
    if (box.type === "moof") {
      throw new Mp4FormatError("media-corrupt", `a movie fragment at byte ${at} comes before any moov box`);
    }
    if (box.type === "moov") return readMoov(source, box);
    at = box.end;
  }
  throw new Mp4FormatError(
    "media-corrupt",
    `no moov box among the first ${MAX_TOP_LEVEL_BOXES} top-level boxes`,
  );
}

async function readMoov(source: ByteSource, box: TopLevelBox): Promise<LocatedMoov> {
  const size = box.end - box.start;
  if (size > MAX_MOOV_BYTES) {
    throw new Mp4FormatError(
      "media-too-large",
      `the moov box is ${size} bytes, over the ${MAX_MOOV_BYTES}-byte limit the probe reads`,
    );
  }
  const bytes = await source.read(box.start, size);
  if (bytes.byteLength < size) {
    throw new Mp4FormatError("media-truncated", `the file ends inside its moov box at byte ${box.start}`);
  }
  return { bytes, start: box.start, end: box.end, ...(box.damage ? { damage: box.damage } : {}) };
}
