import { describe, expect, it } from "vitest";
import {
  EXPORTER_LEASE,
  type ExportWindow,
  exportPending,
} from "../../../../packages/core/src/export/export-pending";
import { countEntries } from "../../../../packages/core/src/imports/counts";
import { deriveAndStore } from "../../../../packages/core/src/pipeline/derive-and-store";
import { createFakePipeline } from "../../../helpers/fakes";
import { mediaBytes } from "../../../helpers/media";

/** A fake pipeline holding pending records of `keys` (PNG images), settled one second after they were written. */
async function withPending(keys: string[]) {
  const p = createFakePipeline();
  for (const key of keys) {
    p.objects.put(key, mediaBytes("image.png"));
    await deriveAndStore(p.deps, key, { source: key, sequencer: "01" });
  }
  p.advance(1_000);
  const ids = ["01EXPORTA", "01EXPORTB"];
  const window: ExportWindow = {
    now: p.deps.now(),
    settledBefore: p.deps.now(),
    leaseUntil: p.iso(p.clockMs + 60_000),
    owner: "run-1",
    newId: () => ids.shift() ?? "01EXPORTZ",
  };
  return { p, window };
}

const urlOf = (key: string) => `https://data.s3.eu-west-1.amazonaws.com/${key}`;

describe("exportPending", () => {
  it("writes one import file of the settled pending records and marks each exported in it when the lease is free", async () => {
    // Prepare
    const { p, window } = await withPending(["a.png", "b.png"]);

    // Act
    const result = await exportPending(p.deps, window);

    // Assert
    const file = "imports/01EXPORTA.json";
    expect(result).toEqual({
      leased: true,
      files: [{ key: file, entries: 2 }],
      exported: 2,
      changedMeanwhile: 0,
      invalid: 0,
    });
    expect([...p.exports.files.keys()]).toEqual([file]);
    const body = JSON.parse(p.exports.files.get(file) ?? "{}");
    expect(body.images.map((e: { objectUrl: string }) => e.objectUrl)).toEqual([
      urlOf("a.png"),
      urlOf("b.png"),
    ]);
    for (const key of ["a.png", "b.png"]) {
      expect((await p.records.get("data", key))?.export).toEqual({ state: "exported", file, at: window.now });
    }
  });

  it("writes nothing and leaves the records pending when another exporter holds the lease", async () => {
    // Prepare
    const { p, window } = await withPending(["a.png"]);
    await p.deps.leases.acquire(EXPORTER_LEASE, "run-0", window.now, window.leaseUntil);

    // Act
    const result = await exportPending(p.deps, window);

    // Assert
    expect(result).toEqual({ leased: false, files: [], exported: 0, changedMeanwhile: 0, invalid: 0 });
    expect(p.exports.files.size).toBe(0);
    expect((await p.records.get("data", "a.png"))?.export).toEqual({ state: "pending" });
  });

  it("leaves a record pending when its last change is after the settle window", async () => {
    // Prepare
    const { p, window } = await withPending(["a.png"]);

    // Act
    const result = await exportPending(p.deps, { ...window, settledBefore: p.iso(0 - 1) });

    // Assert
    expect(result).toEqual({ leased: true, files: [], exported: 0, changedMeanwhile: 0, invalid: 0 });
    expect((await p.records.get("data", "a.png"))?.export).toEqual({ state: "pending" });
  });

  it("writes no file and counts the record changed meanwhile when its entry changes before its claim", async () => {
    // Prepare: a write lands between the exporter's listing and its claim, with another title.
    const { p, window } = await withPending(["a.png"]);
    const claim = p.records.claimExport.bind(p.records);
    p.records.claimExport = async (bucket, key, revision, file) => {
      const item = p.records.items.get(`${bucket}#${key}`);
      if (item?.importEntry) {
        item.importEntry = { ...item.importEntry, title: "renamed" };
        item.revision += 1;
      }
      return claim(bucket, key, revision, file);
    };

    // Act
    const result = await exportPending(p.deps, window);

    // Assert
    expect(result).toEqual({ leased: true, files: [], exported: 0, changedMeanwhile: 1, invalid: 0 });
    expect(p.exports.files.size).toBe(0);
    expect((await p.records.get("data", "a.png"))?.export).toEqual({ state: "pending" });
  });

  it("marks a record claimed by a stopped run exported without writing it again when the claimed file exists", async () => {
    // Prepare
    const { p, window } = await withPending(["a.png"]);
    const claimed = "imports/01EARLIER.json";
    const stored = await p.records.get("data", "a.png");
    if (!stored) throw new Error("no record");
    await p.records.claimExport("data", "a.png", stored.revision, claimed);
    await p.exports.putImport("01EARLIER", "{}", countEntries({}));

    // Act
    const result = await exportPending(p.deps, window);

    // Assert
    expect(result).toEqual({ leased: true, files: [], exported: 1, changedMeanwhile: 0, invalid: 0 });
    expect([...p.exports.files.keys()]).toEqual([claimed]);
    expect((await p.records.get("data", "a.png"))?.export).toEqual({
      state: "exported",
      file: claimed,
      at: window.now,
    });
  });

  it("exports a record anew when the file a stopped run claimed it for was never written", async () => {
    // Prepare
    const { p, window } = await withPending(["a.png"]);
    const stored = await p.records.get("data", "a.png");
    if (!stored) throw new Error("no record");
    await p.records.claimExport("data", "a.png", stored.revision, "imports/01NEVER.json");

    // Act
    const result = await exportPending(p.deps, window);

    // Assert
    const file = "imports/01EXPORTA.json";
    expect(result).toEqual({
      leased: true,
      files: [{ key: file, entries: 1 }],
      exported: 1,
      changedMeanwhile: 0,
      invalid: 0,
    });
    expect([...p.exports.files.keys()]).toEqual([file]);
    expect((await p.records.get("data", "a.png"))?.export).toEqual({
      state: "exported",
      file,
      at: window.now,
    });
  });
});
