import type { ByteSource } from "../bytes/byte-source";
import {
  childrenOf,
  type EbmlElement,
  readElementData,
  readElementHeader,
  readString,
  readUint,
} from "./ebml";
import { ProbeFailureError } from "./probe-failure";

/** The metadata elements of a Matroska or WebM file, read without touching any Cluster. */
export interface MatroskaHeaders {
  docType: string;
  info: Uint8Array;
  tracks: Uint8Array;
  /** Where the Segment's data starts: the top-level elements, Clusters included, follow. */
  segmentData: number;
}

const ID = {
  ebml: 0x1a45dfa3,
  docType: 0x4282,
  segment: 0x18538067,
  seekHead: 0x114d9b74,
  seek: 0x4dbb,
  seekId: 0x53ab,
  seekPosition: 0x53ac,
  info: 0x1549a966,
  tracks: 0x1654ae6b,
  cluster: 0x1f43b675,
};

// Metadata is small; a larger element is refused so that bytes read never grow with the file.
const HEADER_CAP = 1_000_000;
// Elements between the Segment start and the first Cluster (SeekHead, Void, Info, Tracks, Tags...).
const MAX_TOP_LEVEL = 64;

/**
 * Finds Info and Tracks by walking the Segment's children up to the first Cluster, then through
 * the SeekHead for what is still missing (muxers that write Tracks at the end). Clusters are
 * never read or walked: one header read per Cluster would grow with the file.
 */
export async function readMatroskaHeaders(source: ByteSource): Promise<MatroskaHeaders> {
  const ebml = await readElementHeader(source, 0);
  if (ebml.id !== ID.ebml)
    throw new ProbeFailureError("media-corrupt", "the file does not start with an EBML header");
  const header = childrenOf(await readElementData(source, ebml, HEADER_CAP, "EBML header"));
  const docTypeElement = header.find((child) => child.id === ID.docType);
  const docType = docTypeElement === undefined ? "matroska" : readString(docTypeElement.data);
  if (docType !== "webm" && docType !== "matroska") {
    throw new ProbeFailureError("media-corrupt", `EBML DocType "${docType}" is neither webm nor matroska`);
  }
  const segment = await findSegment(source, end(ebml));
  if (segment.size !== undefined && end(segment) > source.size) {
    throw new ProbeFailureError(
      "media-truncated",
      `the file is ${source.size} bytes but its Segment ends at byte ${end(segment)}`,
    );
  }
  const found = await walkSegment(source, segment);
  const info = found.get(ID.info);
  const tracks = found.get(ID.tracks);
  if (info === undefined || tracks === undefined) {
    const missing = info === undefined ? "Info" : "Tracks";
    throw new ProbeFailureError(
      "media-corrupt",
      `no ${missing} element before the first Cluster or in a SeekHead`,
    );
  }
  return {
    docType,
    info: await readElementData(source, info, HEADER_CAP, "Segment Info"),
    tracks: await readElementData(source, tracks, HEADER_CAP, "Tracks element"),
    segmentData: segment.dataOffset,
  };
}

function end(element: EbmlElement): number {
  return element.dataOffset + (element.size ?? Number.POSITIVE_INFINITY);
}

async function findSegment(source: ByteSource, from: number): Promise<EbmlElement> {
  let at = from;
  // Only Void or CRC-32 elements may sit between the EBML header and the Segment.
  for (let i = 0; i < 8 && at < source.size; i++) {
    const element = await readElementHeader(source, at);
    if (element.id === ID.segment) return element;
    at = end(element);
  }
  if (at >= source.size) throw new ProbeFailureError("media-truncated", "the file ends before its Segment");
  throw new ProbeFailureError("media-corrupt", "no Segment after the EBML header");
}

/** Returns the headers of Info and Tracks, found in the Segment's head or through its SeekHeads. */
async function walkSegment(source: ByteSource, segment: EbmlElement): Promise<Map<number, EbmlElement>> {
  const found = new Map<number, EbmlElement>();
  const seeks = new Map<number, number>();
  const stop = Math.min(end(segment), source.size);
  let at = segment.dataOffset;
  for (let i = 0; i < MAX_TOP_LEVEL && at < stop && !(found.has(ID.info) && found.has(ID.tracks)); i++) {
    const element = await readElementHeader(source, at);
    if (element.id === ID.cluster) break;
    if (element.id === ID.seekHead) await readSeekHead(source, element, segment, seeks);
    if ((element.id === ID.info || element.id === ID.tracks) && !found.has(element.id)) {
      found.set(element.id, element);
    }
    if (element.size === undefined) break;
    at = end(element);
  }
  if (at >= source.size && segment.size === undefined && !found.has(ID.tracks)) {
    throw new ProbeFailureError("media-truncated", "the file ends before its Tracks element");
  }
  // A SeekHead may point to a second SeekHead (written at the end with the Cues).
  const next = seeks.get(ID.seekHead);
  if (next !== undefined && (!found.has(ID.info) || !found.has(ID.tracks))) {
    const element = await readElementHeader(source, next);
    if (element.id === ID.seekHead) await readSeekHead(source, element, segment, seeks);
  }
  for (const id of [ID.info, ID.tracks]) {
    const position = seeks.get(id);
    if (found.has(id) || position === undefined) continue;
    const element = await readElementHeader(source, position);
    if (element.id !== id)
      throw new ProbeFailureError("media-corrupt", "a SeekHead entry points to another element");
    found.set(id, element);
  }
  return found;
}

/** Adds the absolute positions a SeekHead lists (it stores them relative to the Segment's data). */
async function readSeekHead(
  source: ByteSource,
  element: EbmlElement,
  segment: EbmlElement,
  seeks: Map<number, number>,
): Promise<void> {
  for (const seek of childrenOf(await readElementData(source, element, HEADER_CAP, "SeekHead"))) {
    if (seek.id !== ID.seek) continue;
    const fields = childrenOf(seek.data);
    const id = fields.find((field) => field.id === ID.seekId);
    const position = fields.find((field) => field.id === ID.seekPosition);
    if (id === undefined || position === undefined) continue;
    const target = readUint(id.data);
    if (!seeks.has(target)) seeks.set(target, segment.dataOffset + readUint(position.data));
  }
}
