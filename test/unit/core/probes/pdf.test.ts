import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probePdf } from "../../../../packages/core/src/probes/pdf";
import { MAX_SCAN_BYTES } from "../../../../packages/core/src/probes/pdf-recover";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { expectedPdfPages, probeMediaPath } from "../../../helpers/probe-truth";

const FIXTURES = [
  "pdf-3-pages.pdf",
  "pdf-linearized-4-pages.pdf",
  "pdf-xref-stream-5-pages.pdf",
  "pdf-incremental-update-2-pages.pdf",
];

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));
const cached = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));
const probe = (source: ByteSource) => probePdf(source, DEFAULT_PROBE_SETTINGS);
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

type Part = Uint8Array | { zeros: number };

/**
 * Writes a PDF whose parts may be runs of zeros that are never allocated, so a file of many
 * gigabytes costs only its real objects; offsets are tracked for the cross-reference sections.
 */
class PdfWriter {
  private readonly parts: Part[] = [];
  readonly offsets = new Map<number, number>();
  length = 0;

  constructor(version = "1.4") {
    this.text(`%PDF-${version}\n%\xe2\xe3\xcf\xd3\n`);
  }

  text(text: string): this {
    return this.bytes(latin1(text));
  }

  bytes(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.length += bytes.length;
    return this;
  }

  object(num: number, body: string): this {
    this.offsets.set(num, this.length);
    return this.text(`${num} 0 obj\n${body}\nendobj\n`);
  }

  /** An image-like stream of `size` zero bytes: the bulk of a big PDF, which no probe should read. */
  padding(num: number, size: number): this {
    this.offsets.set(num, this.length);
    this.text(`${num} 0 obj\n<< /Length ${size} >>\nstream\n`);
    this.parts.push({ zeros: size });
    this.length += size;
    return this.text("\nendstream\nendobj\n");
  }

  stream(num: number, dict: string, data: Uint8Array): this {
    const packed = deflateSync(data);
    this.offsets.set(num, this.length);
    this.text(`${num} 0 obj\n<< ${dict} /Length ${packed.length} /Filter /FlateDecode >>\nstream\n`);
    return this.bytes(packed).text("\nendstream\nendobj\n");
  }

  /** A classic table for objects 0..size-1 (free when not written), its trailer and startxref. */
  xrefTable(size: number, trailer: string): this {
    const at = this.length;
    this.text(`xref\n0 ${size}\n`);
    for (let num = 0; num < size; num++) {
      const offset = this.offsets.get(num);
      this.text(
        offset === undefined ? "0000000000 65535 f \n" : `${String(offset).padStart(10, "0")} 00000 n \n`,
      );
    }
    return this.text(`trailer\n<< /Size ${size} ${trailer} >>\nstartxref\n${at}\n%%EOF\n`);
  }

  source(): ByteSource {
    const parts = this.parts;
    return {
      size: this.length,
      async read(offset, length) {
        const out = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
        let start = 0;
        for (const part of parts) {
          const size = part instanceof Uint8Array ? part.length : part.zeros;
          const from = Math.max(offset, start);
          const to = Math.min(offset + out.length, start + size);
          if (from < to && part instanceof Uint8Array)
            out.set(part.subarray(from - start, to - start), from - offset);
          start += size;
        }
        return out;
      },
    };
  }
}

/** A catalog, a Pages node and `pages` pages after `padding` bytes of stream data. */
function bigPdf(padding: number, pages: number): PdfWriter {
  const kids = Array.from({ length: pages }, (_, i) => `${i + 4} 0 R`).join(" ");
  const pdf = new PdfWriter().padding(1, padding).object(2, "<< /Type /Catalog /Pages 3 0 R >>");
  pdf.object(3, `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  for (let i = 0; i < pages; i++)
    pdf.object(i + 4, "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 200 100] >>");
  return pdf.xrefTable(pages + 4, "/Root 2 0 R");
}

/** Cross-reference stream rows "type offset(5 bytes) gen-or-index(2 bytes)" for /W [1 5 2]. */
function xrefRows(rows: [number, number, number][]): Uint8Array {
  const out = new Uint8Array(rows.length * 8);
  rows.forEach(([type, second, third], row) => {
    out[row * 8] = type;
    for (let i = 0; i < 5; i++) out[row * 8 + 1 + i] = Math.floor(second / 256 ** (4 - i)) % 256;
    out[row * 8 + 6] = third >> 8;
    out[row * 8 + 7] = third & 0xff;
  });
  return out;
}

/**
 * A big PDF 1.5 file whose Pages node (with an indirect /Count) sits in an object stream and whose
 * cross-reference is a stream with five-byte offsets, all beyond 4 GiB when `padding` is that big.
 */
function bigXrefStreamPdf(padding: number, trailer = ""): PdfWriter {
  const pdf = new PdfWriter("1.5").padding(1, padding).object(2, "<< /Type /Catalog /Pages 3 0 R >>");
  const objects = ["<< /Type /Pages /Kids [5 0 R 6 0 R 7 0 R] /Count 4 0 R >>", "3"];
  const header = "3 0 4 60 ";
  const body = header.padEnd(20) + objects[0]?.padEnd(60) + objects[1];
  pdf.stream(8, "/Type /ObjStm /N 2 /First 20", latin1(body));
  for (const num of [5, 6, 7]) pdf.object(num, "<< /Type /Page /Parent 3 0 R >>");
  const at = pdf.length;
  const offset = (num: number) => pdf.offsets.get(num) ?? 0;
  const rows: [number, number, number][] = [
    [0, 0, 65535],
    [1, offset(1), 0],
    [1, offset(2), 0],
    [2, 8, 0],
    [2, 8, 1],
  ];
  rows.push([1, offset(5), 0], [1, offset(6), 0], [1, offset(7), 0], [1, offset(8), 0], [1, at, 0]);
  pdf.stream(9, `/Type /XRef /W [1 5 2] /Size 10 /Root 2 0 R ${trailer}`, xrefRows(rows));
  return pdf.text(`startxref\n${at}\n%%EOF\n`);
}

describe("probePdf", () => {
  it.each(FIXTURES)("counts the pages of %s in at most 5 requests", async (name) => {
    // Prepare
    const source = cached(fixture(name));

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media.numPages).toBe(expectedPdfPages(name));
    expect(source.stats.requests).toBeLessThanOrEqual(5);
  });

  it("counts the pages before the update when the file is cut after its first %%EOF", async () => {
    // Prepare: the original section of the incremental-update fixture is a whole 1-page PDF.
    const bytes = fixture("pdf-incremental-update-2-pages.pdf");
    const text = new TextDecoder("latin1").decode(bytes);
    const original = bytes.subarray(0, text.indexOf("%%EOF") + "%%EOF\n".length);

    // Act
    const before = await probe(cached(original));
    const after = await probe(cached(bytes));

    // Assert
    expect(before.media.numPages).toBe(1);
    expect(after.media.numPages).toBe(expectedPdfPages("pdf-incremental-update-2-pages.pdf"));
  });

  it("reads the same few bytes when a 100 MB and a 10 GB file hold the same objects at their end", async () => {
    // Prepare
    const small = createCachingByteSource(bigPdf(100_000_000, 200).source());
    const huge = createCachingByteSource(bigPdf(10_000_000_000, 200).source());

    // Act
    const smallOutcome = await probe(small);
    const hugeOutcome = await probe(huge);

    // Assert
    expect(smallOutcome.media.numPages).toBe(200);
    expect(hugeOutcome).toEqual(smallOutcome);
    // The same requests; bytes differ only by where the read-ahead windows meet the end of the file.
    expect(huge.stats.requests).toBe(small.stats.requests);
    expect(Math.abs(huge.stats.bytes - small.stats.bytes)).toBeLessThan(1024);
    expect(huge.stats.requests).toBeLessThanOrEqual(5);
    expect(huge.stats.bytes).toBeLessThanOrEqual(64 * 1024);
  });

  it("reads a cross-reference stream with offsets beyond 4 GiB and a Pages node inside an object stream", async () => {
    // Prepare
    const source = createCachingByteSource(bigXrefStreamPdf(6_000_000_000).source());

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome).toEqual({ media: { numPages: 3 }, errors: [], warnings: [], omitted: [] });
    expect(source.stats.requests).toBeLessThanOrEqual(5);
    expect(source.stats.bytes).toBeLessThanOrEqual(64 * 1024);
  });

  it("finds objects through /XRefStm when a hybrid file's table lists them as free", async () => {
    // Prepare: the table knows the catalog; only the stream knows where the Pages node is.
    const pdf = new PdfWriter().object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(3, "<< /Type /Page /Parent 2 0 R >>").object(4, "<< /Type /Page /Parent 2 0 R >>");
    const pagesAt = pdf.length;
    pdf.text("2 0 obj\n<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>\nendobj\n");
    const streamAt = pdf.length;
    pdf.stream(5, "/Type /XRef /W [1 5 2] /Index [2 1] /Size 6", xrefRows([[1, pagesAt, 0]]));
    pdf.xrefTable(6, `/Root 1 0 R /XRefStm ${streamAt}`);

    // Act
    const outcome = await probe(createCachingByteSource(pdf.source()));

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media.numPages).toBe(2);
  });

  it("resolves an indirect /Count", async () => {
    // Prepare
    const pdf = new PdfWriter().object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(2, "<< /Type /Pages /Kids [] /Count 3 0 R >>").object(3, "12").xrefTable(4, "/Root 1 0 R");

    // Act
    const outcome = await probe(createCachingByteSource(pdf.source()));

    // Assert
    expect(outcome.media.numPages).toBe(12);
  });

  it("counts the pages and warns when the trailer has /Encrypt and the page tree is in plain objects", async () => {
    // Prepare
    const pdf = new PdfWriter().object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>").object(3, "<< /Type /Page /Parent 2 0 R >>");
    pdf
      .object(4, "<< /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>")
      .xrefTable(5, "/Root 1 0 R /Encrypt 4 0 R");

    // Act
    const outcome = await probe(createCachingByteSource(pdf.source()));

    // Assert
    expect(outcome.media.numPages).toBe(1);
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings.map((w) => w.code)).toEqual(["pdf-encrypted"]);
  });

  it("omits the PDF block with its reason when an encrypted file keeps its page tree in an object stream", async () => {
    // Prepare
    const source = createCachingByteSource(
      bigXrefStreamPdf(1000, "/Encrypt << /Filter /Standard >>").source(),
    );

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media.numPages).toBeUndefined();
    expect(outcome.omitted).toEqual([{ block: "pdfMetadata", reason: expect.stringContaining("encrypted") }]);
  });

  it.each([
    [
      "declares 50 million cross-reference entries in rows of no bytes",
      "/W [0 0 0] /Index [0 50000000]",
      0,
      "1000000 entries",
    ],
    [
      "has a cross-reference stream that inflates to 40 MB",
      "/W [1 1 1] /Index [0 1]",
      40_000_000,
      "33554432 bytes",
    ],
  ])(
    "omits the PDF block with the budget as its reason, without an error, when a file %s (issue 14)",
    async (_, dict, inflated, reason) => {
      // Prepare: each costs a few KB; before the budget the first took 20 s and a gigabyte, then failed.
      const pdf = new PdfWriter("1.5")
        .object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        .object(2, "<< /Type /Pages /Kids [] /Count 1 >>");
      const at = pdf.length;
      pdf.stream(3, `/Type /XRef ${dict} /Size 3 /Root 1 0 R`, new Uint8Array(inflated));
      const source = createCachingByteSource(pdf.text(`startxref\n${at}\n%%EOF\n`).source());

      // Act
      const started = performance.now();
      const outcome = await probe(source);

      // Assert
      expect(outcome.errors).toEqual([]);
      expect(outcome.omitted).toEqual([{ block: "pdfMetadata", reason: expect.stringContaining(reason) }]);
      expect(performance.now() - started).toBeLessThan(2_000);
    },
  );

  it("counts the pages with a pdf-damaged warning when the file is cut after its page tree", async () => {
    // Prepare: Ghostscript writes the page tree before the cut at the middle; Ghostscript counts 3 there too.
    const bytes = fixture("pdf-3-pages.pdf");

    // Act
    const outcome = await probe(cached(bytes.subarray(0, Math.floor(bytes.length / 2))));

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media.numPages).toBe(3);
    expect(outcome.warnings.map((w) => w.code)).toEqual(["pdf-damaged"]);
  });

  it("reports media-truncated when the file is cut before its catalog", async () => {
    // Prepare
    const bytes = fixture("pdf-3-pages.pdf");

    // Act
    const outcome = await probe(cached(bytes.subarray(0, 1000)));

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors).toEqual([
      { code: "media-truncated", message: expect.stringContaining("names a document catalog") },
    ]);
  });

  it("omits the PDF block with a warning, without scanning the file, when a 10 GB file's startxref points at no cross-reference", async () => {
    // Prepare: the startxref lands inside the zero padding; the file is far over the scan's bound.
    const pdf = bigPdf(10_000_000_000, 2).text("startxref\n5000000\n%%EOF\n");
    const source = createCachingByteSource(pdf.source());

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({});
    expect(outcome.omitted).toEqual([
      { block: "pdfMetadata", reason: expect.stringContaining(`at most ${MAX_SCAN_BYTES} bytes`) },
    ]);
    expect(outcome.warnings.map((w) => w.code)).toEqual(["pdf-damaged"]);
    expect(source.stats.bytes).toBeLessThanOrEqual(64 * 1024);
  });

  it("counts the pages from a scan when a cross-reference offset points at another object", async () => {
    // Prepare: object 2's entry points at object 1.
    const pdf = new PdfWriter().object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>").object(3, "<< /Type /Page /Parent 2 0 R >>");
    pdf.offsets.set(2, pdf.offsets.get(1) ?? 0);
    pdf.xrefTable(4, "/Root 1 0 R");

    // Act
    const outcome = await probe(createCachingByteSource(pdf.source()));

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media.numPages).toBe(1);
    expect(outcome.warnings).toEqual([{ code: "pdf-damaged", message: expect.stringContaining("object 1") }]);
  });

  it.each([
    ["scans the whole file when it is just under", MAX_SCAN_BYTES - 2_000, { numPages: 2 }, MAX_SCAN_BYTES],
    ["omits the block without a scan when the file is just over", MAX_SCAN_BYTES + 1, {}, 64 * 1024],
  ])("%s the scan's bound and every offset is shifted", async (_, padding, media, maxBytes) => {
    // Prepare: an editor inserted 7 bytes after the header and left the table as it was.
    const pdf = new PdfWriter().padding(1, padding).object(2, "<< /Type /Catalog /Pages 3 0 R >>");
    pdf.object(3, "<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 >>");
    pdf.object(4, "<< /Type /Page /Parent 3 0 R >>").object(5, "<< /Type /Page /Parent 3 0 R >>");
    for (const [num, at] of pdf.offsets) pdf.offsets.set(num, at - 7);
    const source = createCachingByteSource(pdf.xrefTable(6, "/Root 2 0 R").source());

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual(media);
    expect(outcome.warnings.map((w) => w.code)).toEqual(["pdf-damaged"]);
    // The scan reads at most 4 ranges of 4 MB after the few reads of the cross-reference.
    expect(source.stats.requests).toBeLessThanOrEqual(5 + 4);
    expect(source.stats.bytes).toBeLessThanOrEqual(maxBytes);
  });

  it.each([
    ["an empty file", new Uint8Array(0), "media-truncated"],
    ["a PNG named .pdf", fixture("png-40x30.png"), "media-corrupt"],
  ])("reports an error and no page count for %s", async (_, bytes, code) => {
    // Act
    const outcome = await probe(cached(bytes));

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors.map((e) => e.code)).toEqual([code]);
  });
});
