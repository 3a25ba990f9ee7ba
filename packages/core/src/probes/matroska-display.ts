import { type DisplayedSize, turned, withDisplayAspect } from "./display-size";

/** A video track's frame size and how it is displayed (the Display elements as stored, no defaults). */
export interface MatroskaVideo {
  pixelWidth: number;
  pixelHeight: number;
  displayWidth?: number;
  displayHeight?: number;
  /** 0 pixels, 1 centimetres, 2 inches, 3 display aspect ratio, 4 unknown (the spec's default is 0). */
  displayUnit: number;
  /** Pixels cropped off each edge of the stored frame before display. */
  crop: { top: number; bottom: number; left: number; right: number };
}

/** A Matroska video track's displayed size, or why it is unknown. */
export interface MatroskaDisplay {
  size: Partial<DisplayedSize>;
  reason: string | undefined;
}

const UNITS = ["pixels", "centimetres", "inches", "display aspect ratio"];

/**
 * The size a browser shows a Matroska/WebM video track at: the frame less its PixelCrop edges,
 * grown to the shape DisplayWidth:DisplayHeight (Chromium's rule; ffmpeg gives the same sample
 * aspect ratio). In pixels (DisplayUnit 0) the Display elements default to the cropped frame; in
 * centimetres, inches or as a bare ratio (1-3) they have no default but their ratio is still the
 * picture's shape. An unknown unit (4) is ignored when it agrees with the frame's shape; otherwise,
 * like a shape the file does not state, the displayed size is unknown and the block is omitted.
 */
export function matroskaDisplaySize(video: MatroskaVideo): MatroskaDisplay {
  const stored = { width: video.pixelWidth, height: video.pixelHeight };
  const { top, bottom, left, right } = video.crop;
  const visible = { width: stored.width - left - right, height: stored.height - top - bottom };
  const unknown = (reason: string) => ({
    size: { codedWidth: stored.width, codedHeight: stored.height },
    reason,
  });
  if (visible.width < 1 || visible.height < 1) {
    return unknown(
      `the video track's PixelCrop elements crop its ${stored.width}x${stored.height} frame away entirely`,
    );
  }
  const unit = video.displayUnit;
  // DisplayWidth 0 is no width at all: Chromium treats it as absent, as here.
  const width = video.displayWidth || (unit === 0 ? visible.width : undefined);
  const height = video.displayHeight || (unit === 0 ? visible.height : undefined);
  const name = UNITS[unit];
  if (name === undefined) {
    const agrees =
      width === undefined || height === undefined || width * visible.height === height * visible.width;
    if (agrees) return { size: turned(stored, visible, 0), reason: undefined };
    return unknown(
      `the video track's DisplayUnit ${unit} is not one Matroska defines, so its display shape ${width}:${height}, ` +
        `unlike the ${visible.width}x${visible.height} frame's, cannot be applied`,
    );
  }
  if (width === undefined || height === undefined) {
    return unknown(
      `the video track's DisplayUnit is ${name} but it stores no DisplayWidth and DisplayHeight`,
    );
  }
  return { size: turned(stored, withDisplayAspect(visible, width, height), 0), reason: undefined };
}
