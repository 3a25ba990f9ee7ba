import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { scanPdf } from "../../../../packages/core/src/probes/pdf-recover";
import { createPdfBudget } from "../../../../packages/core/src/probes/pdf-stream";

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const scan = (source: ByteSource) => scanPdf(source, createPdfBudget());
const scanText = (text: string) => scan(createMemoryByteSource(latin1(text)));

describe("scanPdf", () => {
  it("takes the later header of an object when an update appended a newer version", async () => {
    // Prepare
    const first = "%PDF-1.4\n2 0 obj<</Count 1>>endobj\n";
    const text = `${first}2 0 obj<</Count 2>>endobj\n%%EOF\n`;

    // Act
    const scanned = await scanText(text);

    // Assert
    expect(scanned.xref.entries.get(2)).toEqual({ kind: "offset", offset: first.length, gen: 0 });
    expect(scanned.ends).toBe(true);
  });

  it("ignores `n g obj` that does not stand as its own tokens", async () => {
    // Act
    const scanned = await scanText("%PDF-1.4\n12 0 objx 3 0 obj<<>>endobj\nx4 0 obj\n");

    // Assert
    expect([...scanned.xref.entries.keys()]).toEqual([3]);
    expect(scanned.ends).toBe(false);
  });

  it("takes the newest trailer's /Root before any /Type /Catalog object", async () => {
    // Act
    const scanned = await scanText(
      "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\ntrailer\n<</Root 7 0 R>>\n%%EOF\n",
    );

    // Assert
    expect(scanned.root).toEqual({ kind: "ref", num: 7, gen: 0 });
  });

  it("takes the newest /Type /Catalog object when no trailer names a /Root", async () => {
    // Act
    const scanned = await scanText(
      "%PDF-1.4\n1 0 obj<</Type /Catalog>>endobj\n5 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n6 0 obj<</Catalog 1>>endobj\n",
    );

    // Assert
    expect(scanned.root).toEqual({ kind: "ref", num: 5, gen: 0 });
  });

  it("keeps the object-stream entries of a cross-reference stream, whose offsets it ignores", async () => {
    // Prepare: rows "type, 2-byte field, 1-byte field" for objects 0..2; offsets 999 are wrong.
    const rows = deflateSync(Uint8Array.from([0, 0, 0, 0, 1, 3, 231, 0, 2, 0, 4, 1]));
    const head = "%PDF-1.5\n4 0 obj<</Type/ObjStm/N 1/First 4/Length 0>>stream\n\nendstream endobj\n";
    const xref = `9 0 obj<</Type/XRef/W[1 2 1]/Size 3/Root 2 0 R/Length ${rows.length}/Filter/FlateDecode>>stream\n`;
    const bytes = Uint8Array.from([...latin1(head + xref), ...rows, ...latin1("\nendstream\nendobj\n")]);

    // Act
    const scanned = await scan(createMemoryByteSource(bytes));

    // Assert
    expect(scanned.xref.entries.get(2)).toEqual({ kind: "compressed", stream: 4, index: 1 });
    expect(scanned.xref.entries.get(1)).toBeUndefined();
    expect(scanned.xref.entries.get(4)).toEqual({ kind: "offset", offset: 9, gen: 0 });
    expect(scanned.root).toEqual({ kind: "ref", num: 2, gen: 0 });
    expect(scanned.objectStreams).toBe(true);
  });

  it("reads the file in ranges of at most 4 MB", async () => {
    // Prepare
    const inner = createMemoryByteSource(new Uint8Array(10_000_000));
    const reads: number[] = [];
    const source = {
      size: inner.size,
      read: (at: number, length: number) => {
        reads.push(length);
        return inner.read(at, length);
      },
    };

    // Act
    await scan(source);

    // Assert
    expect(reads).toEqual([4_000_000, 4_000_000, 2_000_000]);
  });
});
