import { constants, crc32, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { concat, element, text, uid, ul, us } from "./dicom-writer";

// Inputs an attacker would send: each is built in a few hundred milliseconds rather than committed
// (issue 14). They are valid files or valid JSON; only their cost is hostile.

const utf8 = (value: string) => new TextEncoder().encode(value);

/** A sidecar of `count` one-element arrays, `{"a":[[0],[0],...]}`: 4 bytes and 2 JSON values each. */
export function oneElementArraysSidecar(count = 1_600_000): Uint8Array {
  return utf8(`{"a":[${new Array<string>(count).fill("[0]").join(",")}]}`);
}

/**
 * A large legitimate sidecar: per-frame `$encord` metadata for every frame of `frames` (an hour at
 * 30 fps by default), each with a keyframe flag, a label and a confidence.
 */
export function perFrameMetadataSidecar(frames = 108_000): Uint8Array {
  const entries: string[] = [];
  for (let f = 0; f < frames; f++) {
    entries.push(
      `"${f}":{"$encord":{"keyframe":${f % 30 === 0}},"label":"car","score":0.${(f * 7919) % 1000}}`,
    );
  }
  return utf8(
    `{"camera":"front","$encord":{"config":{"keyframe_mode":"frame"},"frames":{${entries.join(",")}}}}`,
  );
}

const DEFLATED_EXPLICIT_LITTLE = "1.2.840.10008.1.2.1.99";
const SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
const ZERO_CHUNK = 16 * 1024 * 1024;

/** A long-VR element's header alone (tag, VR, reserved, 32-bit length), its value written separately. */
function longElementHeader(group: number, tag: number, vr: "OB" | "OW", length: number): Uint8Array {
  const header = element(group, tag, vr, new Uint8Array(0));
  new DataView(header.buffer).setUint32(8, length, true);
  return header;
}

let deflatedZeroChunk: Uint8Array | undefined;

/**
 * Raw deflate of `length` zero bytes as sync-flushed chunks: a deflate stream may be cut at a sync
 * flush and continued by another compressor, so one 16 MiB chunk (about 16 KB) is repeated.
 */
function deflatedZeros(length: number): Uint8Array[] {
  const sync = { level: 9, finishFlush: constants.Z_SYNC_FLUSH };
  deflatedZeroChunk ??= deflateRawSync(new Uint8Array(ZERO_CHUNK), sync);
  const whole = deflatedZeroChunk;
  const parts: Uint8Array[] = Array.from({ length: Math.floor(length / ZERO_CHUNK) }, () => whole);
  if (length % ZERO_CHUNK > 0) parts.push(deflateRawSync(new Uint8Array(length % ZERO_CHUNK), sync));
  return parts;
}

/** Raw deflate of `prefix` then `zeros` zero bytes, as one finished stream. */
function deflatedBomb(
  prefix: Uint8Array,
  zeros: number,
  suffix: Uint8Array = new Uint8Array(0),
): Uint8Array[] {
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  return [deflateRawSync(prefix, sync), ...deflatedZeros(zeros), deflateRawSync(suffix)];
}

/**
 * Where a DICOM bomb puts its inflated bulk: a private element before the size fields, the pixel
 * data, or (`tiny-elements`) empty private elements of 8 bytes each, the most a parser can be made
 * to keep per inflated byte.
 */
export type DicomBombLayout = "before-fields" | "pixel-data" | "tiny-elements";

/**
 * A Part 10 file in Deflated Explicit VR Little Endian whose data set inflates to `inflatedBytes` of
 * zeros: 1.2 GB fit in about 1.2 MB. With "before-fields" the series, instance and size elements sit
 * after the bulk, as in the bomb of issue 14; with "pixel-data" every field comes before it.
 */
export function deflatedDicomBomb(
  inflatedBytes: number,
  layout: DicomBombLayout = "before-fields",
): Uint8Array {
  const bulk = inflatedBytes - (inflatedBytes % 2);
  const meta = concat([
    element(0x0002, 0x0001, "OB", Uint8Array.of(0, 1)),
    uid(0x0002, 0x0002, SECONDARY_CAPTURE),
    uid(0x0002, 0x0003, "2.25.14.1"),
    uid(0x0002, 0x0010, DEFLATED_EXPLICIT_LITTLE),
  ]);
  const identity = concat([
    uid(0x0008, 0x0016, SECONDARY_CAPTURE),
    uid(0x0008, 0x0018, "2.25.14.1"),
    text(0x0008, 0x0060, "CS", "OT"),
  ]);
  const fields = concat([
    uid(0x0020, 0x000d, "2.25.14"),
    uid(0x0020, 0x000e, "2.25.14.9"),
    text(0x0020, 0x0013, "IS", "1"),
    us(0x0028, 0x0010, 4096),
    us(0x0028, 0x0011, 4096),
  ]);
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  let deflated: Uint8Array[];
  if (layout === "before-fields") {
    const tail = concat([fields, element(0x7fe0, 0x0010, "OB", new Uint8Array(2))]);
    deflated = deflatedBomb(concat([identity, longElementHeader(0x0009, 0x1010, "OB", bulk)]), bulk, tail);
  } else if (layout === "pixel-data") {
    deflated = deflatedBomb(concat([identity, fields, longElementHeader(0x7fe0, 0x0010, "OB", bulk)]), bulk);
  } else {
    // Distinct tags in odd (private) groups, so that a parser keeps every one of them.
    const count = Math.floor(bulk / 8);
    const tiny = new Uint8Array(count * 8);
    const view = new DataView(tiny.buffer);
    for (let i = 0; i < count; i++) {
      view.setUint16(i * 8, 0x0011 + 2 * Math.floor(i / 0xffff), true);
      view.setUint16(i * 8 + 2, 0x1000 + (i % 0xffff), true);
      tiny.set([0x4c, 0x4f], i * 8 + 4); // LO, empty
    }
    deflated = [deflateRawSync(concat([identity, tiny, fields]), sync), deflateRawSync(new Uint8Array(0))];
  }
  const preamble = new Uint8Array(132);
  preamble.set(utf8("DICM"), 128);
  return concat([preamble, ul(0x0002, 0x0000, meta.byteLength), meta, ...deflated]);
}

/** A NIfTI-1 header of a `size`³ uint8 volume, voxels from byte 352. */
function niftiHeader(size: number): Uint8Array {
  const header = new Uint8Array(352);
  const view = new DataView(header.buffer);
  view.setInt32(0, 348, true);
  for (const [at, value] of [
    [40, 3],
    [42, size],
    [44, size],
    [46, size],
    [70, 2],
    [72, 8],
  ] as const)
    view.setInt16(at, value, true);
  view.setFloat32(108, 352, true);
  header.set(utf8("n+1\0"), 344);
  return header;
}

/**
 * A `.nii.gz` whose volume is `voxels` zero bytes, built from repeated deflate chunks so that a
 * gigabyte of voxels costs about a megabyte and no gigabyte is ever allocated.
 */
export function niftiGzipBomb(voxels: number): Uint8Array {
  const header = niftiHeader(Math.round(Math.cbrt(voxels)));
  let crc = crc32(header);
  const zeros = new Uint8Array(Math.min(voxels, ZERO_CHUNK));
  for (let left = voxels; left > 0; left -= ZERO_CHUNK) {
    crc = crc32(zeros.subarray(0, Math.min(left, ZERO_CHUNK)), crc);
  }
  const trailer = new Uint8Array(8);
  new DataView(trailer.buffer).setUint32(0, crc, true);
  new DataView(trailer.buffer).setUint32(4, (header.byteLength + voxels) % 2 ** 32, true);
  const gzipHeader = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3);
  return concat([gzipHeader, ...deflatedBomb(header, voxels), trailer]);
}

/**
 * A PDF 1.5 whose cross-reference stream has `dict` (its /W and /Index) and `data` bytes of zeros
 * before deflate: a few KB that ask a reader to hold millions of entries or inflate many megabytes.
 */
export function pdfXrefBomb(dict: string, data: number): Uint8Array {
  const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  const head = latin1(
    "%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 1 >>\nendobj\n",
  );
  const packed = deflateSync(new Uint8Array(data), { level: 9 });
  const object = latin1(
    `3 0 obj\n<< /Type /XRef ${dict} /Size 3 /Root 1 0 R /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`,
  );
  return concat([head, object, packed, latin1(`\nendstream\nendobj\nstartxref\n${head.length}\n%%EOF\n`)]);
}

/**
 * A NIfTI-1 segmentation mask of `size`³ bytes (a sphere of ones in zeros), gzipped at `level`: at
 * level 6 or 9 its first 16 KB inflate to far more than 8 MB, which a whole-head inflate refused.
 */
export function niftiMaskGz(level: number, size = 256): Uint8Array {
  const voxelOffset = 352;
  const volume = new Uint8Array(voxelOffset + size ** 3);
  volume.set(niftiHeader(size));
  const centre = size / 2;
  const radius2 = (size / 6) ** 2;
  for (let z = 0; z < size; z++) {
    for (let y = 0; y < size; y++) {
      const dyz = (y - centre) ** 2 + (z - centre) ** 2;
      if (dyz >= radius2) continue;
      for (let x = 0; x < size; x++) {
        if ((x - centre) ** 2 + dyz < radius2) volume[voxelOffset + x + size * (y + size * z)] = 1;
      }
    }
  }
  return gzipSync(volume, { level });
}
