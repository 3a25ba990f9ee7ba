/** Why an MP4 could not be read; the probe turns it into an Issue with this code. */
export class Mp4FormatError extends Error {
  override readonly name = "Mp4FormatError";
  /** Reading the same bytes again gives the same fault. */
  readonly retryable = false;
  constructor(
    readonly code: "media-truncated" | "media-corrupt" | "media-too-large" | "media-no-tracks",
    message: string,
  ) {
    super(message);
  }
}

/** One ISO-BMFF box inside bytes already read: `body` is where its payload starts. */
export interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
}

/** A box header: declared size (the rest of the file when `toEnd`), type and header length. */
export interface BoxHeader {
  type: string;
  size: number;
  headerSize: number;
  toEnd: boolean;
}

/** Parses a box header from its first 8 (or 16, for a 64-bit size) bytes; undefined if too few. */
export function parseBoxHeader(bytes: Uint8Array, at = 0): BoxHeader | undefined {
  if (bytes.byteLength - at < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size32 = view.getUint32(at);
  const type = fourcc(bytes, at + 4);
  if (size32 === 0) return { type, size: 0, headerSize: 8, toEnd: true };
  if (size32 !== 1) return { type, size: size32, headerSize: 8, toEnd: false };
  if (bytes.byteLength - at < 16) return undefined;
  return { type, size: Number(view.getBigUint64(at + 8)), headerSize: 16, toEnd: false };
}

/** Whether a box type is four printable ASCII characters, as every real top-level box's is. */
export function isPrintableType(type: string): boolean {
  return /^[\x20-\x7e]{4}$/.test(type);
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

/**
 * Big-endian reads over one box tree held in memory (the `moov`, a `moof`): every read is
 * bounds-checked, so a lying size field becomes an Mp4FormatError instead of garbage.
 */
export class BoxReader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private check(at: number, length: number, limit = this.bytes.byteLength): void {
    if (at < 0 || at + length > limit) {
      throw new Mp4FormatError("media-corrupt", "a field lies outside the box that holds it");
    }
  }
  u8(at: number, limit?: number): number {
    this.check(at, 1, limit);
    return this.view.getUint8(at);
  }
  u16(at: number, limit?: number): number {
    this.check(at, 2, limit);
    return this.view.getUint16(at);
  }
  u32(at: number, limit?: number): number {
    this.check(at, 4, limit);
    return this.view.getUint32(at);
  }
  i32(at: number, limit?: number): number {
    this.check(at, 4, limit);
    return this.view.getInt32(at);
  }
  u64(at: number, limit?: number): number {
    this.check(at, 8, limit);
    return Number(this.view.getBigUint64(at));
  }
  i64(at: number, limit?: number): number {
    this.check(at, 8, limit);
    return Number(this.view.getBigInt64(at));
  }
  f64(at: number, limit?: number): number {
    this.check(at, 8, limit);
    return this.view.getFloat64(at);
  }
  type(at: number, limit?: number): string {
    this.check(at, 4, limit);
    return fourcc(this.bytes, at);
  }

  /** The boxes laid end to end in [start, end); a size that overruns its parent is corrupt. */
  children(start: number, end: number): Box[] {
    const boxes: Box[] = [];
    let at = start;
    // A trailing run of under 8 bytes is padding (QuickTime ends some lists with 4 zero bytes).
    while (end - at >= 8) {
      const header = parseBoxHeader(this.bytes.subarray(0, end), at);
      if (header === undefined) break;
      const size = header.toEnd ? end - at : header.size;
      if (size < header.headerSize || at + size > end) {
        throw new Mp4FormatError(
          "media-corrupt",
          `box ${JSON.stringify(header.type)} declares ${size} bytes, which do not fit in its parent`,
        );
      }
      boxes.push({ type: header.type, start: at, body: at + header.headerSize, end: at + size });
      at += size;
    }
    return boxes;
  }

  /** The first child of `parent` of type `type`. */
  child(parent: Box, type: string, offset = 0): Box | undefined {
    return this.children(parent.body + offset, parent.end).find((box) => box.type === type);
  }

  /** Follows a path of child types down from `parent`. */
  find(parent: Box, ...types: string[]): Box | undefined {
    let box: Box | undefined = parent;
    for (const type of types) box = box === undefined ? undefined : this.child(box, type);
    return box;
  }
}
