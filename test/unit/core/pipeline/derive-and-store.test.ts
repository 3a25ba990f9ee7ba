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
