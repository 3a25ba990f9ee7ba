import { describe, expect, it } from "vitest";
import type { ByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { parseMetadataSchema } from "../../../../packages/core/src/metadata/schema";
import { type DeriveRecordInput, deriveRecord } from "../../../../packages/core/src/records/derive";
import { mediaBytes } from "../../../helpers/media";

const text = (value: string) => createMemoryByteSource(new TextEncoder().encode(value));
const json = (value: unknown) => text(JSON.stringify(value));

function input(
  overrides: Partial<DeriveRecordInput> & { key?: string; bytes?: Uint8Array },
): DeriveRecordInput {
  const key = overrides.key ?? "cams/c1/frame.png";
  return {
    ref: { bucket: "acme-raw", key, objectUrl: `https://acme-raw.s3.eu-west-1.amazonaws.com/${key}` },
    source: createMemoryByteSource(overrides.bytes ?? mediaBytes("image.png")),
    sidecars: [],
    defaults: [],
    schema: null,
    suffixes: [".metadata.json"],
    emitTextPdfMetadata: false,
    now: "2026-01-02T03:04:05.000Z",
    ...overrides,
  };
}

describe("deriveRecord", () => {
  it("builds a ready record with merged metadata, provenance and its import entry", async () => {
    const record = await deriveRecord(
      input({
        defaults: [
          { key: "_defaults.json", source: json({ project: "p", camera: "default" }) },
          { key: "cams/_defaults.json", source: json({ site: "plant-7" }) },
        ],
        sidecars: [
          {
            key: "cams/c1/frame.png.metadata.json",
            suffix: ".metadata.json",
            source: json({ camera: "c1" }),
          },
        ],
      }),
    );

    expect(record.status).toBe("ready");
    expect(record.dataType).toBe("image");
    expect(record.clientMetadata).toEqual({ camera: "c1", project: "p", site: "plant-7" });
    expect(record.provenance).toEqual({
      camera: "cams/c1/frame.png.metadata.json",
      project: "_defaults.json",
      site: "cams/_defaults.json",
    });
    expect(record.sidecarKey).toBe("cams/c1/frame.png.metadata.json");
    expect(record.importEntry).toEqual({
      objectUrl: "https://acme-raw.s3.eu-west-1.amazonaws.com/cams/c1/frame.png",
      title: "cams/c1/frame.png",
      imageMetadata: {
        mimeType: "image/png",
        fileSize: mediaBytes("image.png").byteLength,
        width: 32,
        height: 24,
      },
      clientMetadata: { camera: "c1", project: "p", site: "plant-7" },
    });
    expect(record.updatedAt).toBe("2026-01-02T03:04:05.000Z");
    expect(record.export).toEqual({ state: "pending" });
  });

  it("takes the title of a structured sidecar", async () => {
    const sidecar = json({ title: "front camera", clientMetadata: { night: false } });
    const record = await deriveRecord(
      input({ sidecars: [{ key: "k.metadata.json", suffix: ".metadata.json", source: sidecar }] }),
    );

    expect(record.title).toBe("front camera");
    expect(record.importEntry?.title).toBe("front camera");
    expect(record.clientMetadata).toEqual({ night: false });
  });

  it("marks the record invalid and leaves out its entry when the sidecar is not JSON", async () => {
    const record = await deriveRecord(
      input({ sidecars: [{ key: "k.metadata.json", suffix: ".metadata.json", source: text("{ nope") }] }),
    );

    expect(record.status).toBe("invalid");
    expect(record.importEntry).toBeNull();
    expect(record.errors.map((e) => e.code)).toEqual(["sidecar-not-json"]);
    expect(record.errors[0]?.message).toContain("k.metadata.json");
  });

  it("rejects a sidecar over 10 MB without reading it", async () => {
    const huge: ByteSource = {
      size: 10_000_001,
      read: () => Promise.reject(new Error("must not be read")),
    };
    const record = await deriveRecord(
      input({ sidecars: [{ key: "k.metadata.json", suffix: ".metadata.json", source: huge }] }),
    );

    expect(record.status).toBe("invalid");
    expect(record.errors[0]?.code).toBe("sidecar-too-large");
    expect(record.errors[0]?.message).toContain("10000001 bytes");
  });

  it("uses the first listed suffix when two sidecars exist, with a warning", async () => {
    const record = await deriveRecord(
      input({
        suffixes: [".metadata.json", ".json"],
        sidecars: [
          { key: "f.png.json", suffix: ".json", source: json({ from: "json" }) },
          { key: "f.png.metadata.json", suffix: ".metadata.json", source: json({ from: "metadata" }) },
        ],
      }),
    );

    expect(record.clientMetadata).toEqual({ from: "metadata" });
    expect(record.warnings.map((w) => w.code)).toContain("multiple-sidecars");
  });

  it("gives field-level errors when the metadata breaks the schema", async () => {
    const parsed = parseMetadataSchema({ night: { ty: "variant", hint: "boolean" } });
    if (!parsed.ok) throw new Error("fixture schema must parse");
    const sidecar = json({ night: "yes", extra: 1 });
    const record = await deriveRecord(
      input({
        schema: parsed.schema,
        sidecars: [{ key: "k.metadata.json", suffix: ".metadata.json", source: sidecar }],
      }),
    );

    expect(record.status).toBe("invalid");
    expect(record.errors).toEqual([expect.objectContaining({ code: "schema-violation", path: "night" })]);
    expect(record.warnings.map((w) => w.code)).toContain("unknown-metadata-key");
  });

  it("skips a zero-byte object with the reason", async () => {
    const record = await deriveRecord(input({ key: "empty.mp4", bytes: new Uint8Array() }));

    expect(record.status).toBe("skipped");
    expect(record.errors[0]?.code).toBe("empty-object");
    expect(record.importEntry).toBeNull();
  });

  it("makes a DICOM file a one-file dicom_series entry", async () => {
    const record = await deriveRecord(input({ key: "ct/IM0001", bytes: mediaBytes("image.dcm") }));

    expect(record.dataType).toBe("dicom");
    expect(record.importEntry).toEqual({
      title: "ct/IM0001",
      objectUrl_0: "https://acme-raw.s3.eu-west-1.amazonaws.com/ct/IM0001",
    });
  });

  it("marks the record invalid when a sidecar title is longer than Encord allows", async () => {
    const sidecar = json({ title: "t".repeat(301), clientMetadata: {} });
    const record = await deriveRecord(
      input({ sidecars: [{ key: "k.metadata.json", suffix: ".metadata.json", source: sidecar }] }),
    );

    expect(record.status).toBe("invalid");
    expect(record.errors).toEqual([expect.objectContaining({ code: "invalid-import-entry", path: "title" })]);
  });

  it("records a warning and keeps the content's type when the extension disagrees", async () => {
    const record = await deriveRecord(input({ key: "clip.mp4", bytes: mediaBytes("image.png") }));

    expect(record.dataType).toBe("image");
    expect(record.warnings.map((w) => w.code)).toContain("type-mismatch");
  });
});
