import { describe, expect, it } from "vitest";
import { deriveAndStore } from "../../../../packages/core/src/pipeline/derive-and-store";
import { createFakePipeline } from "../../../helpers/fakes";
import { mediaBytes } from "../../../helpers/media";

describe("deriveAndStore", () => {
  it("layers an API edit above the sidecar and keeps it through later derivations when editApiLayer is given once", async () => {
    // Prepare
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    p.objects.put("a.png.metadata.json", '{"camera":"c1","lens":"l1"}');
    await deriveAndStore(p.deps, "a.png", { source: "a.png", sequencer: "01" });

    // Act
    await deriveAndStore(
      p.deps,
      "a.png",
      { source: "api", sequencer: "01" },
      { editApiLayer: (current) => ({ ...current, lens: "api-lens" }) },
    );
    p.objects.put("a.png.metadata.json", '{"camera":"c2","lens":"l2"}');
    await deriveAndStore(p.deps, "a.png", { source: "a.png.metadata.json", sequencer: "02" });
    const record = await p.records.get("data", "a.png");

    // Assert
    expect(record?.apiLayer).toEqual({ lens: "api-lens" });
    expect(record?.clientMetadata).toEqual({ camera: "c2", lens: "api-lens" });
    expect(record?.provenance.lens).toBe("api");
  });

  it.each([
    ["a field Encord never receives", { codedWidth: 99, codedHeight: 99 }, []],
    ["the size Encord registered", { width: 1, height: 1 }, ["encord-media-stale"]],
  ])(
    "warns encord-media-stale only when the registered block changes, when an exported file re-uploaded under a new etag differs in %s",
    async (_what, before, expected) => {
      // Prepare: as exported earlier, under another etag, with other media metadata.
      const p = createFakePipeline();
      p.objects.put("a.png", mediaBytes("image.png"));
      await deriveAndStore(p.deps, "a.png", { source: "a.png", sequencer: "01" });
      const first = await p.records.get("data", "a.png");
      if (!first?.mediaMetadata || !first.importEntry) throw new Error("no record derived");
      const media = { ...first.mediaMetadata, ...before };
      const entry = {
        ...first.importEntry,
        imageMetadata: { ...(first.importEntry.imageMetadata as object), ...before },
      };
      const exported = {
        ...first,
        etag: "etag-before",
        mediaMetadata: media,
        importEntry: "width" in before ? entry : first.importEntry,
      };
      await p.records.put({ ...exported, export: { state: "exported" } }, first.revision);

      // Act
      await deriveAndStore(p.deps, "a.png", { source: "a.png", sequencer: "02" });
      const record = await p.records.get("data", "a.png");

      // Assert
      expect(record?.warnings.map((w) => w.code)).toEqual(expected);
    },
  );

  it("drops the API layer when editApiLayer answers null", async () => {
    // Prepare
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    await deriveAndStore(
      p.deps,
      "a.png",
      { source: "api", sequencer: "01" },
      { editApiLayer: () => ({ k: 1 }) },
    );

    // Act
    await deriveAndStore(p.deps, "a.png", { source: "api", sequencer: "02" }, { editApiLayer: () => null });
    const record = await p.records.get("data", "a.png");

    // Assert
    expect(record?.apiLayer).toBeUndefined();
    expect(record?.clientMetadata).toEqual({});
  });
});
