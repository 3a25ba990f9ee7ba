import { type DisplayedSize, type Size, turned, withDisplayAspect, withPixelAspect } from "./display-size";
import type { VideoEntry } from "./mp4-sample-entry";
import type { Track } from "./mp4-tracks";

/** An MP4 video track's displayed size, or why it is unknown. */
export interface Mp4Display {
  size: Partial<DisplayedSize>;
  reason: string | undefined;
}

const UNREADABLE_PASP =
  "the video sample entry's child boxes could not be read, so whether a pasp box changes its pixel shape is unknown";

/**
 * The size a browser shows an MP4 video track at. Sources, as Chromium reads them: a `pasp` other than
 * 1:1 gives the pixel shape (it wins over the `tkhd`, which QuickTime writers leave at the coded size);
 * without one, the `tkhd` width and height (ISO's presentation size) give the shape; then the
 * display matrix turns it. A sample aspect ratio that only the H.264/HEVC bitstream (VUI) carries is
 * not read: browsers use the container's, and the `tkhd` always gives one.
 */
export function mp4DisplaySize(entry: VideoEntry, track: Track): Mp4Display {
  const stored = { width: entry.width, height: entry.height };
  if (!isSize(stored)) {
    // No coded size in the entry: the tkhd presentation size is the only size there is.
    const tkhd = { width: track.width, height: track.height };
    return { size: isSize(tkhd) ? turned(tkhd, tkhd, track.rotation) : {}, reason: undefined };
  }
  const pasp = entry.pixelAspect;
  if (pasp === "unreadable") {
    return { size: { codedWidth: stored.width, codedHeight: stored.height }, reason: UNREADABLE_PASP };
  }
  return { size: turned(stored, shape(stored, pasp, track), track.rotation), reason: undefined };
}

function shape(stored: Size, pasp: [number, number] | undefined, track: Track): Size {
  if (pasp !== undefined && (pasp[0] !== 1 || pasp[1] !== 1)) return withPixelAspect(stored, ...pasp);
  if (track.width > 0 && track.height > 0) return withDisplayAspect(stored, track.width, track.height);
  return stored;
}

function isSize(size: Size): boolean {
  return [size.width, size.height].every((side) => Number.isInteger(side) && side > 0);
}
