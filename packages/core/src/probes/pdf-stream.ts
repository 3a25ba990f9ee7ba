import { constants, inflateSync } from "node:zlib";
import { corrupt, type PdfDict, PdfOverBudgetError, type PdfValue } from "./pdf-syntax";
import { ProbeFailureError } from "./probe-failure";

/**
 * Bytes one probe may inflate from cross-reference and object streams, all together: a real file
 * needs a few hundred KB (7 bytes a cross-reference row); without a total, 1,024 sections of 64 MB
 * each were allowed. Streams are read whole, so each inflate is capped at what is left.
 */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;
/**
 * Cross-reference entries one probe may hold: the largest real PDFs have a few hundred thousand
 * objects, and each entry costs about 100 bytes of memory; a 58 KB file declaring 20 million free
 * entries took 46 s and 1.4 GB before this budget.
 */
const MAX_XREF_ENTRIES = 1_000_000;

/** What is left of one probe's budget; spent as streams are inflated and entries are read. */
export interface PdfBudget {
  inflatedBytes: number;
  entries: number;
}

/** A fresh budget for one PDF. */
export function createPdfBudget(): PdfBudget {
  return { inflatedBytes: MAX_INFLATED_BYTES, entries: MAX_XREF_ENTRIES };
}

/** Takes `count` cross-reference entries from the budget, or stops the probe when they are not there. */
export function spendEntries(budget: PdfBudget, count: number, what: string): void {
  if (count > budget.entries) {
    const message = `${what} brings the cross-reference past ${MAX_XREF_ENTRIES} entries, the probe's budget`;
    throw new PdfOverBudgetError("media-unsupported", message);
  }
  budget.entries -= count;
}

/** Whether a value is a dictionary. */
export function isDict(value: PdfValue | undefined): value is PdfDict {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value.kind === "dict";
}

/** Whether a value is the name `name`. */
export function isName(value: PdfValue | undefined, name: string): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    value.kind === "name" &&
    value.name === name
  );
}

/** A direct non-negative integer entry of a dictionary, or undefined. */
export function integerEntry(dict: PdfDict, key: string): number | undefined {
  const value = dict.entries.get(key);
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Decodes the data of a cross-reference or object stream: unfiltered or FlateDecode, with the PNG
 * predictors that cross-reference streams use (ISO 32000-1 §7.4.4.4). Other filters never hold
 * these streams in practice, so they are reported rather than implemented.
 */
export function decodeStream(dict: PdfDict, raw: Uint8Array, what: string, budget: PdfBudget): Uint8Array {
  const filter = dict.entries.get("Filter");
  const filters = Array.isArray(filter) ? filter : filter === undefined || filter === null ? [] : [filter];
  if (filters.length === 0) return raw;
  if (filters.length > 1 || !isName(filters[0], "FlateDecode")) {
    throw new ProbeFailureError("media-unsupported", `${what} uses a filter other than FlateDecode`);
  }
  const overBudget = () =>
    new PdfOverBudgetError(
      "media-unsupported",
      `${what} inflates past ${MAX_INFLATED_BYTES} bytes, the probe's budget`,
    );
  if (budget.inflatedBytes < 1) throw overBudget();
  let data: Uint8Array;
  try {
    // A sync flush accepts streams whose zlib checksum is missing, as PDF readers commonly do.
    data = inflateSync(raw, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: budget.inflatedBytes });
  } catch (error) {
    // zlib stops at maxOutputLength with a RangeError; a broken stream fails with a zlib error.
    if (error instanceof RangeError) throw overBudget();
    throw new ProbeFailureError("media-corrupt", `${what} does not inflate`, { cause: error });
  }
  budget.inflatedBytes -= data.byteLength;
  const parmsValue = dict.entries.get("DecodeParms");
  const parms = Array.isArray(parmsValue) ? parmsValue[0] : parmsValue;
  if (!isDict(parms)) return data;
  const predictor = integerEntry(parms, "Predictor") ?? 1;
  if (predictor === 1) return data;
  if (predictor < 10) throw new ProbeFailureError("media-unsupported", `${what} uses the TIFF predictor`);
  const colors = integerEntry(parms, "Colors") ?? 1;
  const bits = integerEntry(parms, "BitsPerComponent") ?? 8;
  const columns = integerEntry(parms, "Columns") ?? 1;
  return unpredictPng(data, Math.ceil((columns * colors * bits) / 8), Math.max(1, (colors * bits) / 8), what);
}

/** Undoes PNG row filters: each row starts with its filter type (None, Sub, Up, Average, Paeth). */
function unpredictPng(data: Uint8Array, rowLength: number, bpp: number, what: string): Uint8Array {
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let row = 0; row < rows; row++) {
    const filter = data[row * (rowLength + 1)];
    const from = row * (rowLength + 1) + 1;
    const to = row * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const raw = data[from + i] ?? 0;
      const left = i >= bpp ? (out[to + i - bpp] ?? 0) : 0;
      const up = row > 0 ? (out[to - rowLength + i] ?? 0) : 0;
      const upLeft = row > 0 && i >= bpp ? (out[to - rowLength + i - bpp] ?? 0) : 0;
      if (filter === 0) out[to + i] = raw;
      else if (filter === 1) out[to + i] = raw + left;
      else if (filter === 2) out[to + i] = raw + up;
      else if (filter === 3) out[to + i] = raw + ((left + up) >> 1);
      else if (filter === 4) out[to + i] = raw + paeth(left, up, upLeft);
      else throw corrupt(`${what} has an unknown PNG row filter ${filter}`);
    }
  }
  return out;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}
