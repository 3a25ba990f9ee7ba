import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { createPdfObjects, type PdfObjects } from "./pdf-objects";
import { MAX_SCAN_BYTES, scanPdf } from "./pdf-recover";
import { createPdfBudget, isDict, isName } from "./pdf-stream";
import { corrupt, PdfEncryptedError, PdfOverBudgetError, type PdfValue } from "./pdf-syntax";
import { readCrossReference } from "./pdf-xref";
import { failedOutcome, ProbeFailureError } from "./probe-failure";
import { emptyOutcome, type MediaProbe, type ProbeOutcome } from "./probe-types";

/** Readers accept the header anywhere in the first 1024 bytes (ISO 32000-1 Annex H, Acrobat implementation notes). */
const HEADER_WINDOW = 1024;

/**
 * Measures a PDF's page count (`application/pdf`) from the trailer's `/Root` → catalog →
 * `/Pages` → `/Count`. No PDF library reads by ranges, so this is a small parser of its own: it
 * reads the file's tail, its cross-reference sections and three or four objects, so the bytes
 * read do not grow with the file, only with its object count (the cross-reference tables). When
 * the cross-reference does not lead to the objects (wrong offsets, a broken startxref, no table),
 * it scans a file of up to MAX_SCAN_BYTES for its objects as viewers do; otherwise, or when that
 * fails, the block is omitted with a warning. Only bytes that are not a PDF, or in which no reader
 * could find a document, are errors.
 */
export const probePdf: MediaProbe = async (source) => {
  if (source.size === 0)
    return failedOutcome(new ProbeFailureError("media-truncated", "the file is empty"), "PDF");
  try {
    const budget = createPdfBudget();
    const xref = await readCrossReference(source, budget);
    const count = await countPages(createPdfObjects(source, xref, budget), xref.trailer.entries.get("Root"));
    return measured(count, xref.encrypted);
  } catch (error) {
    if (error instanceof PdfEncryptedError || error instanceof PdfOverBudgetError) {
      // Not a fault of the file: the count is there, behind encryption this probe does not undo
      // or past the budget that bounds what one file may cost.
      return omitted(error.message);
    }
    // A failed read of the source is not a fault of the file.
    if (!(error instanceof ProbeFailureError)) return failedOutcome(error, "PDF");
    try {
      if (!(await hasPdfHeader(source)))
        throw corrupt(`not a PDF: no %PDF- header in the first ${HEADER_WINDOW} bytes`);
      return await recover(source, error.message);
    } catch (recoveryError) {
      return failedOutcome(recoveryError, "PDF");
    }
  }
};

async function hasPdfHeader(source: ByteSource): Promise<boolean> {
  const head = await source.read(0, Math.min(HEADER_WINDOW, source.size));
  return new TextDecoder("latin1").decode(head).includes("%PDF-");
}

/**
 * Counts the pages through the objects found by scanning the file, or omits the block saying why;
 * `failure` is why reading through the cross-reference failed.
 */
async function recover(source: ByteSource, failure: string): Promise<ProbeOutcome> {
  const damage = `the cross-reference does not lead to a page count (${failure})`;
  if (source.size > MAX_SCAN_BYTES) {
    return notMeasured(
      `${damage}, and a scan for its objects reads files of at most ${MAX_SCAN_BYTES} bytes`,
    );
  }
  const budget = createPdfBudget();
  const scanned = await scanPdf(source, budget);
  try {
    if (scanned.root === undefined) {
      throw new PdfNoPagesError("no trailer or object in the whole file names a document catalog");
    }
    const objects = createPdfObjects(scanned.source, scanned.xref, budget);
    const outcome = measured(await countPages(objects, scanned.root, true), scanned.xref.encrypted);
    outcome.warnings.push(
      issue("pdf-damaged", `${damage}; the pages were counted from the objects found by scanning the file`),
    );
    return outcome;
  } catch (error) {
    if (!(error instanceof ProbeFailureError)) throw error;
    // Every reader needs a catalog and a page tree: a whole file without them holds nothing to show.
    // A missing object may hide in an object stream the scan could not index: then it is no proof.
    if (error instanceof PdfNoPagesError && !scanned.objectStreams) {
      const cut = scanned.ends ? "" : ": the file is cut short";
      const code = scanned.ends ? "media-corrupt" : "media-truncated";
      throw new ProbeFailureError(code, `${damage}; scanning the whole file: ${error.message}${cut}`);
    }
    const again = error.message === failure ? "the same" : error.message;
    return notMeasured(`${damage}; in the objects found by scanning the file: ${again}`);
  }
}

/** The file holds no page to show: no catalog, no page tree node, or one with neither kids nor a count. */
class PdfNoPagesError extends ProbeFailureError {
  override readonly name = "PdfNoPagesError";
  constructor(message: string) {
    super("media-corrupt", message);
  }
}

/**
 * Reads the catalog → `/Pages` → `/Count`. A page tree rebuilt by scanning must also name its
 * root node `/Type /Pages`, so an object met by chance is not taken for it.
 */
async function countPages(objects: PdfObjects, root: PdfValue | undefined, scanned = false): Promise<number> {
  const catalog = await objects.resolve(root);
  if (!isDict(catalog)) throw new PdfNoPagesError("the trailer's /Root is not a catalog dictionary");
  const pages = await objects.resolve(catalog.entries.get("Pages"));
  if (!isDict(pages)) throw new PdfNoPagesError("the catalog's /Pages is not a page tree node");
  if (scanned && !isName(pages.entries.get("Type"), "Pages"))
    throw corrupt("the catalog's /Pages is not /Type /Pages");
  const count = await objects.resolve(pages.entries.get("Count"));
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 1) {
    const message = `the page tree's /Count is ${typeof count === "number" ? count : "missing"}, not a page count`;
    // Readers that walk /Kids (Ghostscript) still find pages when only the count is wrong.
    const kids = await objects.resolve(pages.entries.get("Kids"));
    if (!Array.isArray(kids) || kids.length === 0)
      throw new PdfNoPagesError(`${message}, and it has no /Kids`);
    throw corrupt(message);
  }
  return count;
}

function measured(count: number, encrypted: boolean): ProbeOutcome {
  const outcome = emptyOutcome();
  outcome.media.numPages = count;
  if (encrypted) {
    // Encryption covers strings and streams only, so /Count stays readable; viewing may need a password.
    outcome.warnings.push(
      issue("pdf-encrypted", "the PDF is encrypted: Encord shows it only if it opens without a password"),
    );
  }
  return outcome;
}

function omitted(reason: string): ProbeOutcome {
  const outcome = emptyOutcome();
  outcome.omitted.push({ block: "pdfMetadata", reason });
  return outcome;
}

/** A readable file whose page count could not be measured: kept, its block omitted, with a warning. */
function notMeasured(reason: string): ProbeOutcome {
  const outcome = omitted(reason);
  outcome.warnings.push(issue("pdf-damaged", `the page count is not measured: ${reason}`));
  return outcome;
}
