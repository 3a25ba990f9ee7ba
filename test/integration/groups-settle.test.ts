import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaBytes } from "../helpers/media";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";
import { probeMediaPath } from "../helpers/probe-truth";

const SETTLE_SECONDS = 1;

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline({ SETTLE_SECONDS: String(SETTLE_SECONDS) });
});
afterAll(async () => {
  await h?.stop();
});

/** Waits until the settle window after a record's last change has passed. */
async function waitPastSettle(updatedAt: string | undefined): Promise<void> {
  const due = Date.parse(updatedAt ?? "") + SETTLE_SECONDS * 1000 + 50;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
}

describe("groups without a member list wait for the settle window", () => {
  it("exports an image group without members or count only once it has been quiet for the settle window", async () => {
    await h.put("quiet/_group.json", JSON.stringify({ type: "image_group" }));
    for (const name of ["f1.png", "f2.png", "f3.png"]) await h.put(`quiet/${name}`, mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();
    const early = (await h.exportedEntries()).filter((e) => e.title === "quiet");

    await waitPastSettle((await h.record("quiet/"))?.updatedAt);
    await h.exportNow();
    await h.exportNow();

    expect(early).toEqual([]);
    const entries = (await h.exportedEntries()).filter((e) => e.title === "quiet");
    expect(entries.map((e) => e.importKey)).toEqual(["image_groups"]);
    expect((await h.exportedEntries()).filter((e) => String(e.title).startsWith("quiet/"))).toEqual([]);
  });

  it("exports a DICOM series only once it has been quiet for the settle window", async () => {
    for (const name of ["dicom-series-a-2", "dicom-series-a-1"]) {
      await h.put(`ct/${name}.dcm`, new Uint8Array(readFileSync(probeMediaPath(`${name}.dcm`))));
    }
    await h.settle();
    await h.exportNow();
    const early = (await h.exportedEntries()).filter((e) => e.importKey === "dicom_series");
    const uid = (await h.record("ct/dicom-series-a-1.dcm"))?.groupKey ?? "";

    await waitPastSettle((await h.record(uid))?.updatedAt);
    await h.exportNow();

    expect(early).toEqual([]);
    expect(uid).toMatch(/^dicom:/);
    expect((await h.exportedEntries()).filter((e) => e.importKey === "dicom_series")).toHaveLength(1);
  });
});
