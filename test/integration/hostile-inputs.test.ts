import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeKey } from "../../packages/core/src/keys/object-url";
import {
  deflatedDicomBomb,
  niftiMaskGz,
  oneElementArraysSidecar,
  perFrameMetadataSidecar,
} from "../helpers/hostile-inputs";
import { mediaBytes } from "../helpers/media";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";

// Issue 14 through the whole pipeline: each hostile input costs its own record a bounded amount,
// ends typed with its reason, and leaves the good files beside it exported.

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline();
});
afterAll(async () => {
  await h?.stop();
});

describe("hostile inputs through the pipeline", () => {
  it("records each with its reason in bounded time, exports the good ones and dead-letters nothing", async () => {
    const objects: Record<string, Uint8Array> = {
      "hostile/arrays.png": mediaBytes("image.png"),
      "hostile/arrays.png.metadata.json": oneElementArraysSidecar(1_600_000),
      "hostile/frames.mp4": mediaBytes("video.mp4"),
      "hostile/frames.mp4.metadata.json": perFrameMetadataSidecar(108_000),
      "hostile/bomb.dcm": deflatedDicomBomb(1_200_000_000, "before-fields"),
      "hostile/mask-6.nii.gz": niftiMaskGz(6),
      "hostile/mask-9.nii.gz": niftiMaskGz(9),
      "good/image.png": mediaBytes("image.png"),
    };
    const started = performance.now();

    for (const [key, body] of Object.entries(objects)) await h.put(key, body);
    await h.settle();
    await h.exportNow();
    const arrays = await h.record("hostile/arrays.png");
    const frames = await h.record("hostile/frames.mp4");
    const bomb = await h.record("hostile/bomb.dcm");
    const masks = [await h.record("hostile/mask-6.nii.gz"), await h.record("hostile/mask-9.nii.gz")];
    const elapsed = performance.now() - started;

    expect(arrays).toMatchObject({ status: "invalid", clientMetadata: {}, importEntry: null });
    expect(arrays?.errors.map((e) => e.code)).toEqual(["sidecar-too-complex"]);
    expect(frames?.status).toBe("ready");
    expect(Object.keys(frames?.clientMetadata ?? {}).sort()).toEqual(["$encord", "camera"]);
    expect(bomb).toMatchObject({ dataType: "dicom", errors: [] });
    expect(bomb?.warnings.map((w) => w.code)).toContain("dicom-header-over-budget");
    for (const mask of masks) {
      expect(mask).toMatchObject({ dataType: "nifti", status: "ready", errors: [] });
      expect(mask?.mediaMetadata).toMatchObject({
        mimeType: "application/gzip",
        fileSize: expect.any(Number),
      });
    }
    expect(h.ingestQueue.deadLetters()).toEqual([]);
    const exported = (await h.exportedEntries()).map((e) => String(e.objectUrl ?? ""));
    for (const key of [
      "good/image.png",
      "hostile/frames.mp4",
      "hostile/mask-6.nii.gz",
      "hostile/mask-9.nii.gz",
    ]) {
      expect(
        exported.filter((url) => url.endsWith(`/${encodeKey(key)}`)),
        key,
      ).toHaveLength(1);
    }
    expect(exported.some((url) => url.endsWith("/hostile/arrays.png"))).toBe(false);
    expect(elapsed).toBeLessThan(60_000);
  }, 120_000);
});
