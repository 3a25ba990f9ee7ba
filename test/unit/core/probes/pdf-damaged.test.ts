import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probePdf } from "../../../../packages/core/src/probes/pdf";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { deriveRecord } from "../../../../packages/core/src/records/derive";
import { expectedPdfPages, probeMediaPath } from "../../../helpers/probe-truth";

// PDFs whose cross-reference does not lead to their objects, which viewers open by scanning for
// them (issue 16): made by test/fixtures/probe/parts/pdf.sh, or damaged here from a clean fixture.
const DAMAGED = [
  "pdf-shifted-xref-3-pages.pdf",
  "pdf-broken-startxref-3-pages.pdf",
  "pdf-no-xref-3-pages.pdf",
];

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));
const cached = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The file with `inserted` put after its header line, as a careless editor does: every offset is off. */
function shifted(bytes: Uint8Array, inserted = "% edited\n"): Uint8Array {
  const cut = bytes.indexOf(10) + 1;
  return Uint8Array.from([...bytes.subarray(0, cut), ...latin1(inserted), ...bytes.subarray(cut)]);
}

/** Where a comment can be inserted without changing any object: after the header and each `endobj`. */
function boundaries(bytes: Uint8Array): number[] {
  const text = new TextDecoder("latin1").decode(bytes);
  const ends = [...text.matchAll(/endobj\r?\n/g)].map((m) => m.index + m[0].length);
  return [text.indexOf("\n") + 1, ...ends];
}

async function recordOf(key: string, bytes: Uint8Array) {
  return deriveRecord({
    ref: { bucket: "b", key, objectUrl: `https://b.s3.eu-west-1.amazonaws.com/${key}` },
    source: createMemoryByteSource(bytes),
    sidecars: [],
    defaults: [],
    schema: null,
    suffixes: [".metadata.json"],
    emitTextPdfMetadata: true,
    now: "2026-01-01T00:00:00.000Z",
  });
}

describe("probePdf", () => {
  it.each(DAMAGED)(
    "counts the pages pdfinfo counts, with a pdf-damaged warning, when reading %s",
    async (name) => {
      // Prepare
      const bytes = fixture(name);
      const source = cached(bytes);

      // Act
      const outcome = await probePdf(source, DEFAULT_PROBE_SETTINGS);

      // Assert
      expect(outcome.errors).toEqual([]);
      expect(outcome.media).toEqual({ numPages: expectedPdfPages(name) });
      expect(outcome.warnings.map((w) => w.code)).toEqual(["pdf-damaged"]);
      expect(source.stats.bytes).toBeLessThanOrEqual(bytes.length + 4096);
      expect(source.stats.requests).toBeLessThanOrEqual(6);
    },
  );

  it.each([
    "pdf-xref-stream-5-pages.pdf",
    "pdf-linearized-4-pages.pdf",
    "pdf-incremental-update-2-pages.pdf",
  ])("counts the pages of the clean file when %s has its offsets shifted", async (name) => {
    // Prepare: pdfinfo and qpdf cannot rebuild the first (it has no trailer dictionary, only a
    // cross-reference stream); the truth is the clean file's count.
    const bytes = shifted(fixture(name));

    // Act
    const outcome = await probePdf(cached(bytes), DEFAULT_PROBE_SETTINGS);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ numPages: expectedPdfPages(name) });
    expect(outcome.warnings.map((w) => w.code)).toEqual(["pdf-damaged"]);
  });

  it.each([
    "pdf-3-pages.pdf",
    "pdf-linearized-4-pages.pdf",
    "pdf-xref-stream-5-pages.pdf",
    "pdf-incremental-update-2-pages.pdf",
  ])("counts the exact pages of %s wherever comments are inserted between its objects", async (name) => {
    const bytes = fixture(name);
    const at = boundaries(bytes);
    const commentArb = fc.stringMatching(/^[ -~]{0,40}$/).map((c) => `%${c}\n`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...at), commentArb), { minLength: 1 }),
        async (edits) => {
          // Prepare: inserted from the end backwards, so each boundary still means the same place.
          let edited = bytes;
          for (const [where, comment] of [...edits].sort((a, b) => b[0] - a[0])) {
            edited = Uint8Array.from([
              ...edited.subarray(0, where),
              ...latin1(comment),
              ...edited.subarray(where),
            ]);
          }

          // Act
          const outcome = await probePdf(cached(edited), DEFAULT_PROBE_SETTINGS);

          // Assert
          expect(outcome.errors).toEqual([]);
          expect(outcome.media).toEqual({ numPages: expectedPdfPages(name) });
        },
      ),
      { seed: 16_2026, numRuns: 60 },
    );
  });

  it("counts the pages when junk precedes the %PDF header and every offset is measured from it", async () => {
    // Prepare
    const bytes = Uint8Array.from([...latin1("From: mail gateway\r\n\r\n"), ...fixture("pdf-3-pages.pdf")]);

    // Act
    const outcome = await probePdf(cached(bytes), DEFAULT_PROBE_SETTINGS);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ numPages: 3 });
  });

  it("omits the PDF block with a warning, without an error, when the page tree's /Count is 0 but it has kids", async () => {
    // Act
    const outcome = await probePdf(cached(fixture("broken-pdf-zero-count.pdf")), DEFAULT_PROBE_SETTINGS);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({});
    expect(outcome.omitted).toEqual([
      { block: "pdfMetadata", reason: expect.stringContaining("/Count is 0") },
    ]);
    expect(outcome.warnings).toEqual([
      { code: "pdf-damaged", message: expect.stringContaining("not measured") },
    ]);
  });

  it.each([
    ["only a header", "%PDF-1.4\n", "media-truncated"],
    [
      "a catalog without /Pages",
      "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nstartxref\n9\n%%EOF\n",
      "media-corrupt",
    ],
    [
      "an empty page tree",
      "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n",
      "media-corrupt",
    ],
    ["no %PDF header in its first 1024 bytes", `${" ".repeat(1024)}%PDF-1.4\n`, "media-corrupt"],
  ])("reports an error when the file holds %s, which no reader opens", async (_, text, code) => {
    // Act
    const outcome = await probePdf(cached(latin1(text)), DEFAULT_PROBE_SETTINGS);

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors.map((e) => e.code)).toEqual([code]);
  });
});

describe("deriveRecord", () => {
  it("keeps a PDF with shifted offsets ready with its pdfMetadata and a warning", async () => {
    // Act
    const record = await recordOf("docs/a.pdf", fixture("pdf-shifted-xref-3-pages.pdf"));

    // Assert
    expect(record.status).toBe("ready");
    expect(record.errors).toEqual([]);
    expect(record.warnings.map((w) => w.code)).toContain("pdf-damaged");
    expect(record.importEntry).toMatchObject({ pdfMetadata: { numPages: 3 } });
  });

  it("keeps a PDF whose pages cannot be counted ready, without pdfMetadata and with a warning", async () => {
    // Act
    const record = await recordOf("docs/b.pdf", fixture("broken-pdf-zero-count.pdf"));

    // Assert
    expect(record.status).toBe("ready");
    expect(record.errors).toEqual([]);
    expect(record.warnings.map((w) => w.code)).toContain("pdf-damaged");
    expect(record.importEntry).not.toHaveProperty("pdfMetadata");
    expect(record.mediaMetadata?.omitted).toEqual([{ block: "pdfMetadata", reason: expect.any(String) }]);
  });
});
