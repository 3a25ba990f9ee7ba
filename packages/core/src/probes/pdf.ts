import type { ByteSource } from "../byte-source";
import { issue } from "../issues";
import { createPdfObjects } from "./pdf-objects";
import { createPdfBudget, isDict } from "./pdf-stream";
import { corrupt, PdfEncryptedError, PdfOverBudgetError } from "./pdf-syntax";
import { readCrossReference } from "./pdf-xref";
import { failedOutcome, ProbeFailureError } from "./probe-failure";
import { emptyOutcome, type MediaProbe, type ProbeOutcome } from "./probe-types";

/**
 * Measures a PDF's page count (`application/pdf`) from the trailer's `/Root` → catalog →
 * `/Pages` → `/Count`. No PDF library reads by ranges, so this is a small parser of its own: it
 * reads the file's tail, its cross-reference sections and three or four objects, so the bytes
 * read do not grow with the file, only with its object count (the cross-reference tables).
 */
export const probePdf: MediaProbe = async (source) => {
  try {
    return await countPages(source);
  } catch (error) {
    if (error instanceof PdfEncryptedError || error instanceof PdfOverBudgetError) {
      // Not a fault of the file: the count is there, behind encryption this probe does not undo
      // or past the budget that bounds what one file may cost.
      const outcome = emptyOutcome();
      outcome.omitted.push({ block: "pdfMetadata", reason: error.message });
      return outcome;
    }
    return failedOutcome(error, "PDF");
  }
};

async function countPages(source: ByteSource): Promise<ProbeOutcome> {
  if (source.size === 0) throw new ProbeFailureError("media-truncated", "the file is empty");
  const budget = createPdfBudget();
  const xref = await readCrossReference(source, budget);
  const objects = createPdfObjects(source, xref, budget);
  const catalog = await objects.resolve(xref.trailer.entries.get("Root"));
  if (!isDict(catalog)) throw corrupt("the trailer's /Root is not a catalog dictionary");
  const pages = await objects.resolve(catalog.entries.get("Pages"));
  if (!isDict(pages)) throw corrupt("the catalog's /Pages is not a page tree node");
  const count = await objects.resolve(pages.entries.get("Count"));
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 1) {
    throw corrupt(
      `the page tree's /Count is ${typeof count === "number" ? count : "missing"}, not a page count`,
    );
  }
  const outcome = emptyOutcome();
  outcome.media.numPages = count;
  if (xref.encrypted) {
    // Encryption covers strings and streams only, so /Count stays readable; viewing may need a password.
    outcome.warnings.push(
      issue("pdf-encrypted", "the PDF is encrypted: Encord shows it only if it opens without a password"),
    );
  }
  return outcome;
}
