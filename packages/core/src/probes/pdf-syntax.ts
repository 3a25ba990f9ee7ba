import { ProbeFailureError } from "./probe-failure";

/** A PDF name object (`/Type`), with `#xx` escapes decoded. */
export interface PdfName {
  kind: "name";
  name: string;
}
/** An indirect reference (`12 0 R`). */
export interface PdfRef {
  kind: "ref";
  num: number;
  gen: number;
}
/** A string object; page counting never needs its contents (which may be encrypted), so they are dropped. */
export interface PdfString {
  kind: "string";
}
/** A dictionary object. */
export interface PdfDict {
  kind: "dict";
  entries: Map<string, PdfValue>;
}
/** Any direct PDF object. */
export type PdfValue = null | boolean | number | PdfName | PdfRef | PdfString | PdfDict | PdfValue[];

/** The bytes ran out before the object did: the caller reads a longer window and parses again. */
export class PdfEndOfDataError extends Error {
  override readonly name = "PdfEndOfDataError";
}

/** PDF whitespace: NUL, TAB, LF, FF, CR and space. */
export const PDF_WHITESPACE: ReadonlySet<number> = new Set([0, 9, 10, 12, 13, 32]);
const DELIMITERS = new Set([..."()<>[]{}/%"].map((c) => c.charCodeAt(0)));
const isRegular = (byte: number) => !PDF_WHITESPACE.has(byte) && !DELIMITERS.has(byte);
const INTEGER = /^[+-]?\d+$/;

/** A cursor over a window of PDF bytes that reads tokens and objects (ISO 32000-1 §7.2–7.3). */
export class PdfLexer {
  /** `complete` says the bytes hold all there is (a decoded stream), not a window that could grow. */
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    readonly complete = false,
  ) {}

  /** Skips whitespace and comments; throws PdfEndOfDataError when nothing follows. */
  skipSpace(): void {
    while (this.pos < this.bytes.length) {
      const byte = this.byte(this.pos);
      if (byte === 0x25) {
        while (this.pos < this.bytes.length && this.byte(this.pos) !== 10 && this.byte(this.pos) !== 13) {
          this.pos++;
        }
      } else if (PDF_WHITESPACE.has(byte)) this.pos++;
      else return;
    }
    throw new PdfEndOfDataError("the window ends inside an object");
  }

  /** Reads a run of regular characters (a number or a keyword) without interpreting it. */
  word(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.bytes.length && isRegular(this.byte(this.pos))) this.pos++;
    // A word that touches the end of a window may continue past it.
    if (this.pos >= this.bytes.length && !this.complete) {
      throw new PdfEndOfDataError("the window ends inside a word");
    }
    return String.fromCharCode(...this.bytes.subarray(start, this.pos));
  }

  /** Reads a non-negative integer, or fails naming what was expected. */
  integer(what: string): number {
    const word = this.word();
    if (!/^\d+$/.test(word)) throw corrupt(`expected ${what}, found "${word.slice(0, 20)}"`);
    return Number(word);
  }

  /** Reads a keyword and checks it. */
  expect(keyword: string): void {
    const word = this.word();
    if (word !== keyword) throw corrupt(`expected "${keyword}", found "${word.slice(0, 20)}"`);
  }

  /** Whether the next word is `keyword` (the cursor stays put). */
  peekIs(keyword: string): boolean {
    const at = this.pos;
    try {
      return this.word() === keyword;
    } finally {
      this.pos = at;
    }
  }

  /** Reads one direct object; `n g R` becomes a reference. */
  value(depth = 0): PdfValue {
    if (depth > 64) throw corrupt("objects nested more than 64 deep");
    this.skipSpace();
    const byte = this.byte(this.pos);
    if (byte === 0x2f) return { kind: "name", name: this.name() };
    if (byte === 0x28) return this.literalString();
    if (byte === 0x5b) return this.array(depth);
    if (byte === 0x3c) return this.byte(this.pos + 1) === 0x3c ? this.dict(depth) : this.hexString();
    const word = this.word();
    if (word === "true" || word === "false") return word === "true";
    if (word === "null") return null;
    if (INTEGER.test(word)) return this.maybeRef(Number(word));
    const number = Number(word);
    if (word === "" || !Number.isFinite(number)) throw corrupt(`unexpected "${word.slice(0, 20)}"`);
    return number;
  }

  // "7 0" at the very end of a window may still be "7 0 R": word() then asks for more bytes.
  private maybeRef(num: number): PdfValue {
    const at = this.pos;
    try {
      const gen = this.word();
      if (/^\d+$/.test(gen) && this.word() === "R") return { kind: "ref", num, gen: Number(gen) };
    } catch (error) {
      // A number that ends complete bytes is just a number.
      if (!(this.complete && error instanceof PdfEndOfDataError)) throw error;
    }
    this.pos = at;
    return num;
  }

  private byte(at: number): number {
    const byte = this.bytes[at];
    if (byte === undefined) throw new PdfEndOfDataError("the window ends inside an object");
    return byte;
  }

  private name(): string {
    this.pos++;
    let name = "";
    while (this.pos < this.bytes.length && isRegular(this.byte(this.pos))) {
      const byte = this.byte(this.pos);
      const hex = byte === 0x23 ? String.fromCharCode(this.byte(this.pos + 1), this.byte(this.pos + 2)) : "";
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        name += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 3;
      } else {
        name += String.fromCharCode(byte);
        this.pos++;
      }
    }
    if (this.pos >= this.bytes.length) throw new PdfEndOfDataError("the window ends inside a name");
    return name;
  }

  private literalString(): PdfString {
    let depth = 0;
    do {
      const byte = this.byte(this.pos);
      if (byte === 0x5c) this.pos++;
      else if (byte === 0x28) depth++;
      else if (byte === 0x29) depth--;
      this.pos++;
    } while (depth > 0);
    return { kind: "string" };
  }

  private hexString(): PdfString {
    while (this.byte(this.pos) !== 0x3e) this.pos++;
    this.pos++;
    return { kind: "string" };
  }

  private array(depth: number): PdfValue[] {
    this.pos++;
    const items: PdfValue[] = [];
    for (this.skipSpace(); this.byte(this.pos) !== 0x5d; this.skipSpace()) items.push(this.value(depth + 1));
    this.pos++;
    return items;
  }

  private dict(depth: number): PdfDict {
    this.pos += 2;
    const entries = new Map<string, PdfValue>();
    for (this.skipSpace(); this.byte(this.pos) !== 0x3e; this.skipSpace()) {
      if (this.byte(this.pos) !== 0x2f) throw corrupt("a dictionary key is not a name");
      const key = this.name();
      entries.set(key, this.value(depth + 1));
    }
    if (this.byte(this.pos + 1) !== 0x3e) throw corrupt('a dictionary ends with ">" alone');
    this.pos += 2;
    return { kind: "dict", entries };
  }
}

/** The page tree sits in encrypted object streams, which this probe does not decrypt. */
export class PdfEncryptedError extends ProbeFailureError {
  override readonly name = "PdfEncryptedError";
}

/**
 * The file needs more than the probe's budget (bytes inflated, cross-reference entries held): not a
 * fault of the file, so its block is omitted with the reason instead of making the record invalid.
 */
export class PdfOverBudgetError extends ProbeFailureError {
  override readonly name = "PdfOverBudgetError";
}

/** A structural fault in the PDF's bytes. */
export function corrupt(message: string): ProbeFailureError {
  return new ProbeFailureError("media-corrupt", message);
}
