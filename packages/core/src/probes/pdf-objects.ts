import type { ByteSource } from "../bytes/byte-source";
import type { CrossReference } from "./pdf-cross-reference";
import { decodeStream, integerEntry, isDict, isName, type PdfBudget } from "./pdf-stream";
import {
  corrupt,
  PDF_WHITESPACE,
  type PdfDict,
  PdfEncryptedError,
  PdfEndOfDataError,
  PdfLexer,
  type PdfValue,
} from "./pdf-syntax";
import { ProbeFailureError, readExactly } from "./probe-failure";

/** An object read from `n g obj`: its value and, for a stream, where its data starts in the window. */
export interface IndirectObject {
  num: number;
  gen: number;
  value: PdfValue;
  streamStart?: number;
}

/** Objects are read through a 4 KiB window that grows ×4 while the object is longer, up to this. */
const MAX_OBJECT_BYTES = 4 * 1024 * 1024;
/** Cross-reference and object streams are read whole; their size grows with the object count. */
const MAX_STREAM_BYTES = 16 * 1024 * 1024;
/** Writers are sometimes off by a line ending or two; more space than this before an object means a wrong offset. */
const MAX_LEADING_SPACE = 64;

/** Parses `n g obj <value> [stream]` at the start of a window. */
export function parseIndirectObject(bytes: Uint8Array, at = 0): IndirectObject {
  const lexer = new PdfLexer(bytes, at);
  const num = lexer.integer("an object number");
  const gen = lexer.integer("a generation number");
  lexer.expect("obj");
  const value = lexer.value();
  if (!isDict(value) || !lexer.peekIs("stream")) return { num, gen, value };
  lexer.word();
  // The keyword ends with CRLF or LF before the data (a lone CR is tolerated).
  if (lexer.pos + 2 > bytes.length) throw new PdfEndOfDataError("the window ends before a stream's data");
  if (bytes[lexer.pos] === 13) lexer.pos++;
  if (bytes[lexer.pos] === 10) lexer.pos++;
  return { num, gen, value, streamStart: lexer.pos };
}

/**
 * Parses what starts at `offset` through a window that grows ×4 while the parser runs out of
 * bytes, so a short object costs one small read and a long one a few, never the whole file.
 */
export async function parseAt<T>(
  source: ByteSource,
  offset: number,
  what: string,
  parse: (bytes: Uint8Array) => T,
  limits: { initial: number; max: number } = { initial: 4096, max: MAX_OBJECT_BYTES },
): Promise<T> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= source.size) {
    throw corrupt(`${what} is said to be at byte ${offset}, outside the file`);
  }
  for (let length = limits.initial; ; length *= 4) {
    const bytes = await source.read(offset, length);
    // An offset into zero padding would otherwise read whitespace until the cap: objects start at their offset.
    if (leadingSpace(bytes) > MAX_LEADING_SPACE) {
      throw corrupt(`there is no object at byte ${offset}, where ${what} should be`);
    }
    try {
      return parse(bytes);
    } catch (error) {
      if (!(error instanceof PdfEndOfDataError)) throw error;
      if (offset + bytes.length >= source.size) {
        throw new ProbeFailureError("media-truncated", `the file ends inside ${what}`);
      }
      if (length >= limits.max) {
        throw new ProbeFailureError("media-unsupported", `${what} is longer than ${limits.max} bytes`);
      }
    }
  }
}

function leadingSpace(bytes: Uint8Array): number {
  const at = bytes.findIndex((byte) => !PDF_WHITESPACE.has(byte));
  return at === -1 ? bytes.length : at;
}

/** Reads and decodes the data of a stream object read at `offset`. */
export async function readStreamData(
  source: ByteSource,
  offset: number,
  object: IndirectObject,
  length: number,
  what: string,
  budget: PdfBudget,
): Promise<Uint8Array> {
  if (!isDict(object.value) || object.streamStart === undefined) throw corrupt(`${what} is not a stream`);
  if (length > MAX_STREAM_BYTES) {
    throw new ProbeFailureError("media-unsupported", `${what} is ${length} bytes long`);
  }
  const raw = await readExactly(source, offset + object.streamStart, length, what);
  return decodeStream(object.value, raw, what, budget);
}

/** Resolves references to objects through the cross-reference table, reading each object once. */
export interface PdfObjects {
  resolve(value: PdfValue | undefined): Promise<PdfValue>;
}

/** Objects of one file, read by ranged reads at their cross-reference offsets or from object streams. */
export function createPdfObjects(source: ByteSource, xref: CrossReference, budget: PdfBudget): PdfObjects {
  const objectStreams = new Map<number, Promise<ObjectStream>>();

  const readAt = async (offset: number, num: number, what: string): Promise<IndirectObject> => {
    const object = await parseAt(source, offset, what, (bytes) => parseIndirectObject(bytes));
    if (object.num !== num) throw corrupt(`the cross-reference table points ${what} at object ${object.num}`);
    return object;
  };

  const get = async (num: number, depth: number, allowCompressed: boolean): Promise<PdfValue> => {
    const entry = xref.entries.get(num);
    // A reference to a free or missing object is the null object (ISO 32000-1 §7.3.10).
    if (entry === undefined || entry.kind === "free") return null;
    if (entry.kind === "offset") return (await readAt(entry.offset, num, `object ${num}`)).value;
    // An object stream's /Length inside an object stream could wait on itself forever.
    if (!allowCompressed) {
      throw corrupt(`the /Length of an object stream is object ${num}, itself compressed`);
    }
    let stream = objectStreams.get(entry.stream);
    if (stream === undefined) {
      stream = loadObjectStream(entry.stream, depth);
      objectStreams.set(entry.stream, stream);
    }
    return (await stream).object(entry.index, num);
  };

  const resolve = async (
    value: PdfValue | undefined,
    depth = 0,
    allowCompressed = true,
  ): Promise<PdfValue> => {
    if (depth > 32) throw corrupt("references nest more than 32 deep");
    if (value === undefined) return null;
    if (typeof value !== "object" || value === null || Array.isArray(value) || value.kind !== "ref") {
      return value;
    }
    return resolve(await get(value.num, depth + 1, allowCompressed), depth + 1, allowCompressed);
  };

  const loadObjectStream = async (num: number, depth: number): Promise<ObjectStream> => {
    const what = `object stream ${num}`;
    const entry = xref.entries.get(num);
    if (entry?.kind !== "offset") throw corrupt(`${what} has no file offset`);
    if (xref.encrypted) {
      throw new PdfEncryptedError(
        "media-unsupported",
        `the PDF is encrypted and its page tree sits in ${what}`,
      );
    }
    const object = await readAt(entry.offset, num, what);
    const dict = isDict(object.value) ? object.value : undefined;
    if (dict === undefined || !isName(dict.entries.get("Type"), "ObjStm")) {
      throw corrupt(`${what} is not /Type /ObjStm`);
    }
    const length = await resolve(dict.entries.get("Length"), depth + 1, false);
    if (typeof length !== "number") throw corrupt(`${what} has no /Length`);
    const data = await readStreamData(source, entry.offset, object, length, what, budget);
    return parseObjectStream(dict, data, what);
  };

  return { resolve: (value) => resolve(value) };
}

interface ObjectStream {
  object(index: number, num: number): PdfValue;
}

/** An object stream holds `/N` pairs "number offset", then the objects from `/First` on. */
function parseObjectStream(dict: PdfDict, data: Uint8Array, what: string): ObjectStream {
  const count = integerEntry(dict, "N");
  const first = integerEntry(dict, "First");
  if (count === undefined || first === undefined) throw corrupt(`${what} has no /N or /First`);
  return {
    object(index, num) {
      try {
        const header = new PdfLexer(data, 0, true);
        if (index >= count) throw corrupt(`${what} has no object at index ${index}`);
        for (let i = 0; i < index * 2; i++) header.integer("an object number or offset");
        const found = header.integer("an object number");
        const offset = header.integer("an offset");
        if (found !== num) throw corrupt(`${what} holds object ${found} where ${num} was expected`);
        return new PdfLexer(data, first + offset, true).value();
      } catch (error) {
        // The whole stream is in memory: running out of bytes here means it is cut short.
        if (error instanceof PdfEndOfDataError) throw corrupt(`${what} ends inside object ${num}`);
        throw error;
      }
    },
  };
}
