import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../packages/core/src/bytes/byte-source";
import type { ObjectReader } from "../../../packages/core/src/bytes/opened-object";
import { DEFAULT_IMPORT_LIMITS } from "../../../packages/core/src/imports/split";
import { classifyKey } from "../../../packages/core/src/keys/classify-key";
import { objectUrlFor } from "../../../packages/core/src/keys/object-url";
import { deriveRecord } from "../../../packages/core/src/records/derive";
import type { SluiceRecord } from "../../../packages/core/src/records/record";
import { scanListing } from "../../../packages/core/src/scan/scan-listing";
import {
  BAD_INPUTS_DIR,
  type BadInput,
  type BadInputExpectation,
  badInputObjects,
  loadBadInputs,
} from "../../helpers/bad-inputs";

const SUFFIXES = [".metadata.json"];
const NOW = "2026-01-01T00:00:00.000Z";
const items = loadBadInputs();
const urlOf = (key: string) => objectUrlFor({ bucket: "b", region: "eu-west-1", key });

/** Asserts the expected status and codes, and that every error explains itself. */
function expectOutcome(record: SluiceRecord | undefined, expected: BadInputExpectation): void {
  expect(record?.status).toBe(expected.status);
  if (expected.error) expect(record?.errors.map((e) => e.code)).toContain(expected.error);
  else expect(record?.errors).toEqual([]);
  if (expected.warning) expect(record?.warnings.map((w) => w.code)).toContain(expected.warning);
  for (const problem of record?.errors ?? []) expect(problem.message.length).toBeGreaterThan(10);
  if (expected.status !== "ready") {
    expect(record?.importEntry).toBeNull();
    expect(record?.export.state).toBe("held");
  }
}

/** deriveRecord over one entry's objects: its target as data, the rest as its sidecar and defaults. */
async function deriveItem(item: BadInput): Promise<{ record: SluiceRecord; bytesRead: number }> {
  const objects = badInputObjects([item]);
  let bytesRead = 0;
  const source = (key: string) => {
    const inner = createMemoryByteSource(objects.get(key) ?? new Uint8Array(0));
    return {
      size: inner.size,
      read: async (offset: number, length: number) => {
        const bytes = await inner.read(offset, length);
        bytesRead += bytes.byteLength;
        return bytes;
      },
    };
  };
  const keys = [...objects.keys()].filter((k) => k !== item.target);
  const record = await deriveRecord({
    ref: { bucket: "b", key: item.target, objectUrl: urlOf(item.target) },
    source: source(item.target),
    sidecars: keys.flatMap((key) => {
      const role = classifyKey(key, SUFFIXES);
      return role.kind === "sidecar" ? [{ key, suffix: role.suffix, source: source(key) }] : [];
    }),
    defaults: keys
      .filter((k) => classifyKey(k, SUFFIXES).kind === "defaults")
      .map((key) => ({ key, source: source(key) })),
    schema: null,
    suffixes: SUFFIXES,
    emitTextPdfMetadata: false,
    now: NOW,
  });
  return { record, bytesRead };
}

function readerOf(objects: Map<string, Uint8Array>): ObjectReader {
  return {
    async open(key) {
      const bytes = objects.get(key);
      if (!bytes) throw new Error(`no such key ${key}`);
      return createMemoryByteSource(bytes);
    },
  };
}

describe("bad-input corpus", () => {
  it("holds at least 50 entries of every kind, each committed file under 64 KB", () => {
    const kinds = new Set(items.map((i) => i.kind));
    const files = readdirSync(join(BAD_INPUTS_DIR, "files"));

    expect(items.length).toBeGreaterThanOrEqual(50);
    expect([...kinds].sort()).toEqual(["defaults", "key", "media", "sidecar"]);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const name of files)
      expect(statSync(join(BAD_INPUTS_DIR, "files", name)).size).toBeLessThan(64 * 1024);
  });

  it("matches what its generator writes when run afresh", () => {
    const out = mkdtempSync(join(tmpdir(), "bad-inputs-"));
    try {
      execFileSync(process.execPath, [join(BAD_INPUTS_DIR, "make-bad-inputs.mjs"), "--out", out]);
      const fresh = readdirSync(join(out, "files")).sort();

      expect(fresh).toEqual(readdirSync(join(BAD_INPUTS_DIR, "files")).sort());
      for (const name of fresh) {
        expect(
          readFileSync(join(out, "files", name)).equals(readFileSync(join(BAD_INPUTS_DIR, "files", name))),
          name,
        ).toBe(true);
      }
      expect(readFileSync(join(out, "index.json"), "utf8")).toBe(
        readFileSync(join(BAD_INPUTS_DIR, "index.json"), "utf8"),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("deriveRecord", () => {
  it.each(items.map((item) => [item.id, item] as const))(
    "gives the expected outcome and never throws when the input is %s",
    async (_id, item) => {
      const { record, bytesRead } = await deriveItem(item);

      expectOutcome(record, item.expect);
      // Zero-padded objects stand in for huge uploads: their headers must be judged from a bounded read.
      if (item.objects.some((o) => "padTo" in o && o.padTo !== undefined))
        expect(bytesRead).toBeLessThan(1024 * 1024);
    },
  );
});

describe("scanListing", () => {
  it("records every corpus entry as expected and exports only the ready ones when scanned together", async () => {
    const objects = badInputObjects(items);

    const result = await scanListing({
      bucket: "b",
      keys: [...objects.keys()],
      reader: readerOf(objects),
      objectUrlOf: urlOf,
      suffixes: SUFFIXES,
      schema: null,
      emitTextPdfMetadata: false,
      limits: DEFAULT_IMPORT_LIMITS,
      now: () => NOW,
    });

    const byKey = new Map(result.records.map((r) => [r.key, r]));
    for (const item of items) expectOutcome(byKey.get(item.target), item.expect);
    // An entry's URL appears quoted in the import JSON exactly when that entry was exported.
    const exported = JSON.stringify(result.files.map((f) => f.file));
    for (const item of items) {
      expect(exported.includes(JSON.stringify(urlOf(item.target))), item.id).toBe(
        item.expect.status === "ready",
      );
    }
  });
});
