import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importKeyFor } from "../../packages/aws/src/index";
import { mediaBytes } from "../helpers/media";
import {
  DATA_BUCKET,
  EXPORTS_BUCKET,
  type PipelineHarness,
  startPipeline,
} from "../helpers/pipeline-harness";

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline();
});
afterAll(async () => {
  await h?.stop();
});

const warningsOf = async (key: string) => (await h.record(key))?.warnings ?? [];

describe("a group whose manifest arrives after some of its frames were exported", () => {
  it("warns on the group record, naming the frames Encord already has as single images", async () => {
    // `aws s3 sync` uploaded two frames first, and the exporter sent them alone before the manifest came.
    for (const name of ["f1.png", "f2.png"]) await h.put(`late/seq/${name}`, mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();
    await h.put("late/seq/_group.json", JSON.stringify({ type: "image_sequence", count: 3 }));
    await h.put("late/seq/f3.png", mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();

    const group = await h.record("late/seq/");
    const warning = group?.warnings.find((w) => w.code === "members-exported-alone");
    const singles = (await h.exportedEntries()).filter((e) => e.importKey === "images");

    expect(singles.map((e) => e.title).sort()).toEqual(["late/seq/f1.png", "late/seq/f2.png"]);
    expect(group).toMatchObject({ status: "ready", export: { state: "exported" } });
    expect(warning?.message).toContain("late/seq/f1.png, late/seq/f2.png");
    expect(warning?.message).not.toContain("f3.png");
    expect((await h.record("late/seq/f1.png"))?.export.state).toBe("exported");
    expect((await h.record("late/seq/f3.png"))?.export.state).toBe("held");
  });

  it("names a frame the exporter had claimed for a file when the manifest came, once that file is written", async () => {
    await h.put("claimed/seq/f1.png", mediaBytes("image.png"));
    await h.put("claimed/seq/f2.png", mediaBytes("image.png"));
    await h.settle();
    // The exporter claims f1 for a file, and the manifest's assembly holds f1 before the file is written.
    const frame = await h.record("claimed/seq/f1.png");
    const file = importKeyFor("01JCLAIMED0000000000000000");
    await h.deps.pipeline.records.claimExport(DATA_BUCKET, "claimed/seq/f1.png", frame?.revision ?? -1, file);
    await h.put("claimed/seq/_group.json", JSON.stringify({ type: "image_group" }));
    await h.settle();
    const before = await warningsOf("claimed/seq/");
    await h.s3.client.send(
      new PutObjectCommand({ Bucket: EXPORTS_BUCKET, Key: file, Body: '{"images":[]}' }),
    );
    await h.put("claimed/seq/f3.png", mediaBytes("image.png"));
    await h.settle();

    expect(await h.record("claimed/seq/f1.png")).toMatchObject({ export: { state: "held", file } });
    expect(before.map((w) => w.code)).not.toContain("members-exported-alone");
    expect(
      (await warningsOf("claimed/seq/")).find((w) => w.code === "members-exported-alone")?.message,
    ).toContain("1 member(s) were exported as single images before the group's manifest was seen");
  });
});
