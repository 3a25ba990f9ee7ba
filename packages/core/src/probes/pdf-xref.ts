import type { ByteSource } from "../bytes/byte-source";
import type { CrossReference, Section, XrefEntry } from "./pdf-cross-reference";
import { parseAt, parseIndirectObject, readStreamData } from "./pdf-objects";
import { integerEntry, isDict, isName, type PdfBudget, spendEntries } from "./pdf-stream";
import { corrupt, type PdfDict, PdfLexer, type PdfValue } from "./pdf-syntax";

/** `%%EOF` must sit in the last 1024 bytes; twice that tolerates trailing junk some writers append. */
const TAIL_BYTES = 2048;
/** Cross-reference tables grow with the object count (20 bytes an object); larger ones are refused. */
const MAX_SECTION_BYTES = 64 * 1024 * 1024;
const MAX_SECTIONS = 1024;

/** One shared free entry: most entries of a bloated table are free, and each would cost an object. */
const FREE: XrefEntry = { kind: "free" };

/**
 * Reads the cross-reference chain from the last `startxref`: each section (a table or a stream,
 * ISO 32000-1 §7.5.4 and §7.5.8) and then its `/XRefStm` and `/Prev`. Sections are met newest
 * first, so the first entry seen for an object is the one incremental updates left in force.
 */
export async function readCrossReference(source: ByteSource, budget: PdfBudget): Promise<CrossReference> {
  const entries = new Map<number, XrefEntry>();
  const trailer = new Map<string, PdfValue>();
  const queue = [await findStartxref(source)];
  const seen = new Set<number>();
  for (let offset = queue.shift(); offset !== undefined; offset = queue.shift()) {
    if (seen.has(offset)) continue;
    if (seen.size >= MAX_SECTIONS) throw corrupt(`more than ${MAX_SECTIONS} cross-reference sections`);
    seen.add(offset);
    const section = await readSection(source, offset, budget);
    const hybrid = integerEntry(section.trailer, "XRefStm");
    if (hybrid !== undefined && !seen.has(hybrid)) {
      // A hybrid file's stream holds the objects its table lists as free or leaves out.
      seen.add(hybrid);
      for (const [num, entry] of (await readSection(source, hybrid, budget)).entries) {
        if (section.entries.get(num)?.kind !== "offset") section.entries.set(num, entry);
      }
    }
    for (const [num, entry] of section.entries) if (!entries.has(num)) entries.set(num, entry);
    for (const [key, value] of section.trailer.entries) if (!trailer.has(key)) trailer.set(key, value);
    const prev = integerEntry(section.trailer, "Prev");
    if (prev !== undefined) queue.push(prev);
  }
  return { entries, trailer: { kind: "dict", entries: trailer }, encrypted: trailer.has("Encrypt") };
}

async function findStartxref(source: ByteSource): Promise<number> {
  const start = Math.max(0, source.size - TAIL_BYTES);
  const tail = latin1(await source.read(start, source.size - start));
  const at = tail.lastIndexOf("startxref");
  const match = at < 0 ? null : /^startxref\s+(\d+)/.exec(tail.slice(at));
  if (match?.[1] !== undefined) return Number(match[1]);
  // A cut file or one with a broken tail: the caller tells them from non-PDFs and scans for objects.
  throw corrupt(`no startxref in the last ${TAIL_BYTES} bytes`);
}

/** Reads one cross-reference section (a table or a stream) that starts at `offset`. */
export async function readSection(source: ByteSource, offset: number, budget: PdfBudget): Promise<Section> {
  const what = `the cross-reference section at byte ${offset}`;
  const limits = { initial: 16 * 1024, max: MAX_SECTION_BYTES };
  const parsed = await parseAt(
    source,
    offset,
    what,
    (bytes) => {
      const lexer = new PdfLexer(bytes);
      return lexer.peekIs("xref") ? parseTable(lexer, budget) : parseIndirectObject(bytes);
    },
    limits,
  );
  if ("trailer" in parsed) return parsed;
  const dict = isDict(parsed.value) ? parsed.value : undefined;
  if (dict === undefined || !isName(dict.entries.get("Type"), "XRef")) {
    throw corrupt(`startxref or /Prev points at byte ${offset}, where there is no cross-reference section`);
  }
  const length = integerEntry(dict, "Length");
  if (length === undefined) throw corrupt(`${what} has no direct /Length`);
  return {
    entries: parseStreamEntries(
      dict,
      await readStreamData(source, offset, parsed, length, what, budget),
      what,
      budget,
    ),
    trailer: dict,
  };
}

/** A classic table: subsections "first count", then `count` entries "offset gen n|f", then the trailer. */
function parseTable(lexer: PdfLexer, budget: PdfBudget): Section {
  lexer.expect("xref");
  const entries = new Map<number, XrefEntry>();
  while (!lexer.peekIs("trailer")) {
    const first = lexer.integer("a subsection's first object number");
    const count = lexer.integer("a subsection's entry count");
    spendEntries(budget, count, "a cross-reference table");
    for (let num = first; num < first + count; num++) {
      const offset = lexer.integer("a cross-reference offset");
      const gen = lexer.integer("a generation number");
      const type = lexer.word();
      if (type !== "n" && type !== "f") throw corrupt(`cross-reference entry ${num} is neither n nor f`);
      entries.set(num, type === "n" ? { kind: "offset", offset, gen } : FREE);
    }
  }
  lexer.expect("trailer");
  const trailer = lexer.value();
  if (!isDict(trailer)) throw corrupt("the trailer is not a dictionary");
  return { entries, trailer };
}

/** A cross-reference stream: rows of `/W` big-endian fields for the object ranges in `/Index`. */
function parseStreamEntries(
  dict: PdfDict,
  data: Uint8Array,
  what: string,
  budget: PdfBudget,
): Map<number, XrefEntry> {
  const widths = numbers(dict.entries.get("W"));
  const size = integerEntry(dict, "Size");
  const index = numbers(dict.entries.get("Index")) ?? (size === undefined ? undefined : [0, size]);
  if (widths?.length !== 3 || widths.some((w) => w > 8) || index === undefined || index.length % 2 !== 0) {
    throw corrupt(`${what} has a malformed /W or /Index`);
  }
  const [typeWidth = 0, secondWidth = 0, thirdWidth = 0] = widths;
  const rowLength = typeWidth + secondWidth + thirdWidth;
  const entries = new Map<number, XrefEntry>();
  let at = 0;
  const field = (width: number, fallback: number) => {
    let value = width === 0 ? fallback : 0;
    for (let i = 0; i < width; i++) value = value * 256 + (data[at++] ?? 0);
    return value;
  };
  for (let pair = 0; pair < index.length; pair += 2) {
    const first = index[pair] ?? 0;
    const count = index[pair + 1] ?? 0;
    if (at + count * rowLength > data.length) throw corrupt(`${what} is shorter than its /Index says`);
    // A /W of zeros makes rows of no bytes: the count alone says what the section costs.
    spendEntries(budget, count, what);
    for (let num = first; num < first + count; num++) {
      const type = field(typeWidth, 1);
      const second = field(secondWidth, 0);
      const third = field(thirdWidth, 0);
      if (type === 0) entries.set(num, FREE);
      else if (type === 1) entries.set(num, { kind: "offset", offset: second, gen: third });
      else if (type === 2) entries.set(num, { kind: "compressed", stream: second, index: third });
      // Other types are reserved: such an object is read as null.
    }
  }
  return entries;
}

function numbers(value: PdfValue | undefined): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const result = value.filter((v): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0);
  return result.length === value.length ? result : undefined;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}
