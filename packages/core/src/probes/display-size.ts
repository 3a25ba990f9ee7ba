// Sizes "as displayed" (design.md) follow the browsers that show the video in Encord's editor:
// Chromium's VideoAspectRatio grows one side of the stored picture to the aspect ratio and never
// shrinks the other, so 720x480 with 4:3 pixels shows 960x480 and with 8:9 pixels 720x540 (ffprobe's
// display_aspect_ratio is the same shape). Rotation turns the result afterwards.

/** A picture's size in whole pixels. */
export interface Size {
  width: number;
  height: number;
}

/** What a probe reports: the displayed size and, when it differs, the stored (coded) one. */
export interface DisplayedSize extends Size {
  codedWidth?: number;
  codedHeight?: number;
}

/** The size a picture of `stored` size shows at when each pixel is `hSpacing:vSpacing` (a sample aspect ratio). */
export function withPixelAspect(stored: Size, hSpacing: number, vSpacing: number): Size {
  const ratio = hSpacing / vSpacing;
  if (!valid(ratio)) return stored;
  // Wide pixels widen the picture; narrow pixels make it taller.
  return rounded(
    stored,
    ratio >= 1 ? stored.width * ratio : stored.width,
    ratio >= 1 ? stored.height : stored.height / ratio,
  );
}

/** The size a picture of `stored` size shows at when it is displayed at the shape `width:height`. */
export function withDisplayAspect(stored: Size, width: number, height: number): Size {
  const ratio = width / height;
  if (!valid(ratio)) return stored;
  const wider = ratio >= stored.width / stored.height;
  return rounded(
    stored,
    wider ? stored.height * ratio : stored.width,
    wider ? stored.height : stored.width / ratio,
  );
}

/** The displayed size after a rotation (degrees), with the stored size kept when the two differ. */
export function turned(stored: Size, shown: Size, rotation: number): DisplayedSize {
  const quarterTurn = Math.abs(rotation) % 180 === 90;
  const size = quarterTurn ? { width: shown.height, height: shown.width } : { ...shown };
  if (size.width === stored.width && size.height === stored.height) return size;
  return { ...size, codedWidth: stored.width, codedHeight: stored.height };
}

function valid(ratio: number): boolean {
  return Number.isFinite(ratio) && ratio > 0;
}

// Chromium keeps the stored size when the result is not a usable picture size.
function rounded(stored: Size, width: number, height: number): Size {
  const size = { width: Math.round(width), height: Math.round(height) };
  const usable = [size.width, size.height].every((side) => side >= 1 && side <= 2 ** 31 - 1);
  return usable ? size : stored;
}
