import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeKey } from "../../packages/core/src/keys/object-url";
import { badInputObjects, loadBadInputs } from "../helpers/bad-inputs";
import { mediaBytes } from "../helpers/media";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";

/**
 * s3rver keeps each object as a file named after its key: a segment over 255 bytes fails with
 * ENAMETOOLONG and an empty segment (`a//b`) breaks its routing; the unit test covers those keys.
 */
const storableByS3rver = (key: string) =>
  key
    .split("/")
    .every((s, i, all) => (s !== "" || i === all.length - 1) && new TextEncoder().encode(s).byteLength < 200);
const items = loadBadInputs().filter((i) => i.objects.every((o) => storableByS3rver(o.key)));
const GOOD: Record<string, Uint8Array> = {
  "good/image.png": mediaBytes("image.png"),
  "good/video.mp4": mediaBytes("video.mp4"),
  "good/audio.wav": mediaBytes("audio.wav"),
  "good/document.pdf": mediaBytes("document.pdf"),
  "good/with-sidecar.jpg": mediaBytes("image.jpg"),
  "good/with-sidecar.jpg.metadata.json": new TextEncoder().encode('{"camera":"front"}'),
};
const GOOD_DATA = Object.keys(GOOD).filter((k) => !k.endsWith(".metadata.json"));

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline();
});
afterAll(async () => {
  await h.stop();
});

describe("bad-input corpus through the pipeline", () => {
  it("leaves out only the keys s3rver cannot store", () => {
    expect(loadBadInputs().length - items.length).toBe(3);
  });

  it("records every bad input with its expected status and code, exports only good ones and dead-letters nothing", async () => {
    const objects = new Map([...badInputObjects(items), ...Object.entries(GOOD)]);
    for (const [key, body] of objects) await h.put(key, body);

    await h.settle();
    await h.exportNow();

    for (const key of GOOD_DATA) expect((await h.record(key))?.status, key).toBe("ready");
    for (const item of items) {
      const record = await h.record(item.target);
      expect(record?.status, item.id).toBe(item.expect.status);
      if (item.expect.error)
        expect(
          record?.errors.map((e) => e.code),
          item.id,
        ).toContain(item.expect.error);
      if (item.expect.warning)
        expect(
          record?.warnings.map((w) => w.code),
          item.id,
        ).toContain(item.expect.warning);
    }
    expect(h.ingestQueue.deadLetters()).toEqual([]);
    expect(h.workQueue.deadLetters()).toEqual([]);
    // Every object an entry names: `objectUrl`, or `objectUrl_<n>` for the files of a DICOM series.
    const exported = (await h.exportedEntries()).flatMap((e) =>
      Object.entries(e)
        .filter(([name]) => /^objectUrl(_\d+)?$/.test(name))
        .map(([, url]) => String(url)),
    );
    const exportedOf = (key: string) => exported.filter((url) => url.endsWith(`/${encodeKey(key)}`)).length;
    for (const key of GOOD_DATA) expect(exportedOf(key), key).toBe(1);
    for (const item of items)
      expect(exportedOf(item.target), item.id).toBe(item.expect.status === "ready" ? 1 : 0);
  }, 40_000);
});
