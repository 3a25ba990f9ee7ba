import { describe, expect, it } from "vitest";
import { deriveAndStore, inferBucketSchema } from "../../../../packages/core/src/index";
import { createFakePipeline } from "../../../helpers/fakes";
import { mediaBytes } from "../../../helpers/media";

describe("inferBucketSchema", () => {
  it("infers the keys of the live records' metadata and leaves out those of deleted ones", async () => {
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    p.objects.put("a.png.metadata.json", '{"camera":"c1","fps":25}');
    p.objects.put("gone.png", mediaBytes("image.png"));
    p.objects.put("gone.png.metadata.json", '{"site":"s1"}');
    await deriveAndStore(p.deps, "a.png", { source: "a.png", sequencer: "01" });
    await deriveAndStore(p.deps, "gone.png", { source: "gone.png", sequencer: "01" });
    p.objects.remove("gone.png");
    await deriveAndStore(p.deps, "gone.png", { source: "gone.png", sequencer: "02" });
    // Listed again, but not yet re-derived: its record is still the tombstone.
    p.objects.put("gone.png", mediaBytes("image.png"));

    const schema = await inferBucketSchema(p.deps);

    expect((await p.records.get("data", "gone.png"))?.status).toBe("deleted");
    expect(Object.keys(schema).sort()).toEqual(["camera", "fps"]);
  });
});
