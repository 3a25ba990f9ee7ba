import { describe, expect, it } from "vitest";
import {
  deriveAndStore,
  InvalidInputError,
  MAX_ADHOC_KEYS,
  serializeImportFile,
  writeAdhocImports,
} from "../../../../packages/core/src/index";
import { createFakePipeline } from "../../../helpers/fakes";
import { mediaBytes } from "../../../helpers/media";

const ID = "01JZ0000000000000000000001";

/** A pipeline with the records of `a/x.png` (at 0 ms), `a/y.png` (at 1 s) and `b/z.png`. */
async function pipelineWithImages() {
  const p = createFakePipeline();
  for (const key of ["a/x.png", "a/y.png", "b/z.png"]) {
    p.objects.put(key, mediaBytes("image.png"));
    await deriveAndStore(p.deps, key, { source: key, sequencer: "01" });
    p.advance(1000);
  }
  return p;
}

const titles = (file: { images?: { title?: string }[] }) => (file.images ?? []).map((entry) => entry.title);

describe("writeAdhocImports", () => {
  it("writes one file of the ready records under the prefix, named adhoc/<id>, and leaves their export state", async () => {
    const p = await pipelineWithImages();
    const before = await p.records.get("data", "a/x.png");

    const [file, ...more] = await writeAdhocImports({ pipeline: p.deps, newId: () => ID }, { prefix: "a/" });

    expect(more).toEqual([]);
    expect(file).toMatchObject({ id: `adhoc/${ID}`, key: `imports/adhoc/${ID}.json`, entries: 2 });
    expect(titles(file?.file ?? {})).toEqual(["a/x.png", "a/y.png"]);
    expect(file?.body).toBe(serializeImportFile(file?.file ?? {}, "compact"));
    expect(p.exports.files.get(`imports/adhoc/${ID}.json`)).toBe(file?.body);
    expect((await p.records.get("data", "a/x.png"))?.export).toEqual(before?.export);
  });

  it("takes only the records changed at or after since when since is given", async () => {
    const p = await pipelineWithImages();

    const files = await writeAdhocImports(
      { pipeline: p.deps, newId: () => ID },
      { prefix: "", since: p.iso(1000) },
    );

    expect(files.map(({ file }) => titles(file))).toEqual([["a/y.png", "b/z.png"]]);
  });

  it("takes only the records in the export state when status is given", async () => {
    const p = await pipelineWithImages();
    const y = await p.records.get("data", "a/y.png");
    await p.records.markExported("data", "a/y.png", y?.revision ?? 0, "imports/01.json", p.iso(5000));

    const pending = await writeAdhocImports(
      { pipeline: p.deps, newId: () => ID },
      { prefix: "a/", status: "pending" },
    );
    const exported = await writeAdhocImports(
      { pipeline: p.deps, newId: () => ID },
      { prefix: "a/", status: "exported" },
    );

    expect(pending.map(({ file }) => titles(file))).toEqual([["a/x.png"]]);
    expect(exported.map(({ file }) => titles(file))).toEqual([["a/y.png"]]);
  });

  it("throws InvalidInputError naming the prefix and writes nothing when more than MAX_ADHOC_KEYS objects are under it", async () => {
    const p = createFakePipeline();
    for (let i = 0; i <= MAX_ADHOC_KEYS; i += 1) p.objects.put(`many/${i}.txt`, "x");

    const write = writeAdhocImports({ pipeline: p.deps, newId: () => ID }, { prefix: "many/" });

    await expect(write).rejects.toBeInstanceOf(InvalidInputError);
    await expect(write).rejects.toMatchObject({ problems: [{ path: "prefix" }] });
    expect(p.exports.files.size).toBe(0);
  });
});
