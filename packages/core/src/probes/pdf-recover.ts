import { type ByteSource, createMemoryByteSource } from "../bytes/byte-source";
import type { CrossReference, XrefEntry } from "./pdf-cross-reference";
import { parseIndirectObject } from "./pdf-objects";
import { isDict, isName, type PdfBudget } from "./pdf-stream";
import { type PdfDict, PdfLexer, type PdfRef } from "./pdf-syntax";
import { readSection } from "./pdf-xref";

/**
 * A scan reads the whole file, so it is allowed only up to this size: 16 MB in at most four reads
 * of 4 MB. Larger files with a damaged cross-reference are not scanned, so the bytes read stay
 * bounded whatever the file's size, and their block is omitted instead.
 */
export const MAX_SCAN_BYTES = 16_000_000;
const SCAN_READ_BYTES = 4_000_000;

/** What a scan found: an in-memory copy, the objects by number, and where the page tree may start. */
export interface ScannedPdf {
  source: ByteSource;
  xref: CrossReference;
  /**
   * The newest trailer's or cross-reference stream's `/Root`, else the newest `/Type /Catalog`
   * object: only the newest, since an older one may describe a revision an update replaced.
   */
  root: PdfRef | undefined;
  /** Whether the file has object streams, whose objects the scan sees only through a cross-reference stream. */
  objectStreams: boolean;
  /** Whether `%%EOF` is among the last bytes: a file without it was cut short. */
  ends: boolean;
}

const WHITE = "\\0\\t\\n\\f\\r ";
const DELIMITER = "()<>\\[\\]{}/%";
/** `n g obj` where a token starts and ends (ISO 32000-1 §7.3.10). */
const OBJECT_HEADER = new RegExp(
  `(?<![^${WHITE}${DELIMITER}])(\\d{1,10})[${WHITE}]+(\\d{1,5})[${WHITE}]+obj(?![^${WHITE}${DELIMITER}])`,
  "g",
);
const TRAILER = new RegExp(`(?<![^${WHITE}])trailer[${WHITE}]*<<`, "g");
const nameToken = (name: string) => new RegExp(`/${name}(?![^${WHITE}${DELIMITER}])`, "g");

/**
 * Rebuilds the cross-reference the way readers repair a file whose offsets are wrong: reads the
 * whole file (at most MAX_SCAN_BYTES) and finds every `n g obj` header. A later header wins, as
 * incremental updates append newer versions. Offsets in the old tables are ignored, but the
 * object-stream entries (stream number and index) of cross-reference streams stay valid and are kept.
 * A header that happens to occur inside binary stream data is taken too; the object read there
 * then fails its checks and the count is omitted, never guessed.
 */
export async function scanPdf(source: ByteSource, budget: PdfBudget): Promise<ScannedPdf> {
  const bytes = new Uint8Array(source.size);
  for (let at = 0; at < source.size; at += SCAN_READ_BYTES) {
    bytes.set(await source.read(at, Math.min(SCAN_READ_BYTES, source.size - at)), at);
  }
  const memory = createMemoryByteSource(bytes);
  const text = new TextDecoder("latin1").decode(bytes);
  const headers = [...text.matchAll(OBJECT_HEADER)].map((m) => ({
    at: m.index,
    num: Number(m[1]),
    gen: Number(m[2]),
  }));
  const headerBefore = (at: number) => {
    let found: (typeof headers)[number] | undefined;
    for (let lo = 0, hi = headers.length - 1; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      const header = headers[mid];
      if (header !== undefined && header.at < at) [found, lo] = [header, mid + 1];
      else hi = mid - 1;
    }
    return found;
  };
  const objectAt = (at: number) => {
    try {
      return parseIndirectObject(bytes, at).value;
    } catch {
      return undefined;
    }
  };

  // Trailers: `trailer` dictionaries, and the dictionaries of cross-reference streams.
  const trailers: { at: number; dict: PdfDict }[] = [];
  for (const match of text.matchAll(TRAILER)) {
    try {
      const dict = new PdfLexer(bytes, match.index + "trailer".length, true).value();
      if (isDict(dict)) trailers.push({ at: match.index, dict });
    } catch {
      // A damaged trailer is one fewer candidate.
    }
  }
  const streamSections = new Map<number, Map<number, XrefEntry>>();
  for (const header of new Set([...text.matchAll(nameToken("XRef"))].map((m) => headerBefore(m.index)))) {
    if (header === undefined) continue;
    try {
      const section = await readSection(memory, header.at, budget);
      streamSections.set(header.at, section.entries);
      trailers.push({ at: header.at, dict: section.trailer });
    } catch {
      // Not a cross-reference stream after all, or a damaged one.
    }
  }

  const entries = new Map<number, XrefEntry>();
  for (const header of headers) {
    entries.set(header.num, { kind: "offset", offset: header.at, gen: header.gen });
    for (const [num, entry] of streamSections.get(header.at) ?? []) {
      if (entry.kind === "compressed") entries.set(num, entry);
    }
  }

  trailers.sort((a, b) => b.at - a.at);
  const roots: PdfRef[] = [];
  for (const { dict } of trailers) {
    const root = dict.entries.get("Root");
    if (typeof root === "object" && root !== null && !Array.isArray(root) && root.kind === "ref")
      roots.push(root);
  }
  // Without a trailer that names it, the catalog is found by its type, as Ghostscript and pdf.js do.
  const catalogs = [...text.matchAll(nameToken("Catalog"))].map((m) => headerBefore(m.index)).reverse();
  for (const header of new Set(catalogs)) {
    if (header === undefined) continue;
    const value = objectAt(header.at);
    if (isDict(value) && isName(value.entries.get("Type"), "Catalog")) {
      roots.push({ kind: "ref", num: header.num, gen: header.gen });
    }
  }
  const encrypted = trailers.some(({ dict }) => dict.entries.has("Encrypt"));
  const trailer = trailers[0]?.dict ?? { kind: "dict", entries: new Map() };
  return {
    source: memory,
    xref: { entries, trailer, encrypted },
    root: roots[0],
    objectStreams: nameToken("ObjStm").test(text),
    ends: text.includes("%%EOF", Math.max(0, text.length - 2048)),
  };
}
