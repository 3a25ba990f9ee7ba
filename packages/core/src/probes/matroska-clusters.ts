import type { ByteSource } from "../bytes/byte-source";
import { childrenOf, parseElementHeader, readElementHeader, readUint, readVarUint } from "./ebml";
import { ProbeFailureError } from "./probe-failure";

/** Presentation timestamps (in TimestampScale ticks) of a track's frames from the start of its Clusters. */
export interface FirstFrames {
  timestamps: number[];
  /** True when the read reached the end of the file, so no frame of the track is missing. */
  complete: boolean;
  /** Bytes of Clusters read. */
  bytesRead: number;
}

const ID = {
  cluster: 0x1f43b675,
  timestamp: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
  trackEntry: 0xae,
  trackType: 0x83,
  trackNumber: 0xd7,
};
// Elements between the Segment start and the first Cluster, as in matroska-layout.ts.
const MAX_TOP_LEVEL = 64;
// Cluster children have 1- or 2-byte IDs; a 4-byte ID is the next top-level element.
const TOP_LEVEL_ID = 0x1000_0000;
// Lacing bits of a Block's flags: several frames share one timestamp.
const LACING = 0x06;

/** The TrackNumber of the first video TrackEntry, which Blocks name; the spec makes it mandatory. */
export function videoTrackNumber(tracks: Uint8Array): number {
  for (const entry of childrenOf(tracks).filter((child) => child.id === ID.trackEntry)) {
    const fields = childrenOf(entry.data);
    const type = fields.find((field) => field.id === ID.trackType);
    if (type === undefined || readUint(type.data) !== 1) continue;
    const number = fields.find((field) => field.id === ID.trackNumber);
    if (number === undefined)
      throw new ProbeFailureError("media-corrupt", "the video track has no TrackNumber");
    return readUint(number.data);
  }
  throw new ProbeFailureError("media-corrupt", "the Tracks element has no video track");
}

/** Finds the first Cluster by walking the Segment's top-level headers (already read with Info and Tracks). */
export async function findFirstCluster(source: ByteSource, segmentData: number): Promise<number | undefined> {
  let at = segmentData;
  for (let i = 0; i < MAX_TOP_LEVEL && at < source.size; i++) {
    const element = await readElementHeader(source, at);
    if (element.id === ID.cluster) return at;
    if (element.size === undefined) return undefined;
    at = element.dataOffset + element.size;
  }
  return undefined;
}

/**
 * Reads `length` bytes from the first Cluster in one ranged read and lists the timestamps of the
 * track's blocks that start inside them (Cluster Timestamp + the Block's signed offset).
 */
export async function readFirstFrames(
  source: ByteSource,
  clusterAt: number,
  track: number,
  length: number,
): Promise<FirstFrames> {
  const bytes = await source.read(clusterAt, Math.min(length, source.size - clusterAt));
  const timestamps: number[] = [];
  let cluster: number | undefined;
  let at = 0;
  while (at < bytes.byteLength) {
    const header = parseElementHeader(bytes, at);
    if (header === undefined) break;
    const data = at + header.headerLength;
    if (header.id === ID.cluster) {
      // Step into the Cluster: its children follow, whatever its size (live recordings leave it unknown).
      cluster = undefined;
      at = data;
      continue;
    }
    if (header.id >= TOP_LEVEL_ID || header.size === undefined) {
      if (header.size === undefined) break;
      at = data + header.size;
      continue;
    }
    if (header.id === ID.timestamp) cluster = readUint(bytes.subarray(data, data + header.size));
    const block =
      header.id === ID.simpleBlock
        ? data
        : header.id === ID.blockGroup
          ? blockIn(bytes, data, data + header.size)
          : undefined;
    const time = block === undefined ? undefined : blockTime(bytes, block, track);
    if (time !== undefined) {
      if (cluster === undefined)
        throw new ProbeFailureError("media-corrupt", "a Block comes before its Cluster Timestamp");
      timestamps.push(cluster + time);
    }
    at = data + header.size;
  }
  return { timestamps, complete: clusterAt + bytes.byteLength >= source.size, bytesRead: bytes.byteLength };
}

/** Where the Block inside a BlockGroup starts (normally its first child; the read may cut the group). */
function blockIn(bytes: Uint8Array, groupData: number, groupEnd: number): number | undefined {
  let at = groupData;
  while (at < Math.min(groupEnd, bytes.byteLength)) {
    const header = parseElementHeader(bytes, at);
    if (header?.size === undefined) return undefined;
    if (header.id === ID.block) return at + header.headerLength;
    at += header.headerLength + header.size;
  }
  return undefined;
}

/** The relative timestamp of a Block of `track`; undefined for other tracks or a header cut by the read. */
function blockTime(bytes: Uint8Array, at: number, track: number): number | undefined {
  const number = readVarUint(bytes, at);
  if (number === undefined || number.value !== track) return undefined;
  const field = at + number.length;
  if (field + 3 > bytes.byteLength) return undefined;
  const flags = bytes[field + 2] ?? 0;
  if ((flags & LACING) !== 0) {
    throw new ProbeFailureError(
      "media-unsupported",
      "video Blocks are laced: several frames share a timestamp",
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset + field, 2).getInt16(0);
}
