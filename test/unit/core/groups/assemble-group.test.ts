import { describe, expect, it } from "vitest";
import {
  type AssembleGroupInput,
  assembleImageGroup,
} from "../../../../packages/core/src/groups/assemble-group";
import type { GroupManifest } from "../../../../packages/core/src/groups/group-manifest";
import { ImportFileSchema } from "../../../../packages/core/src/imports/format";
import type { SluiceRecord } from "../../../../packages/core/src/records/record";

const URL = "https://b.s3.eu-west-1.amazonaws.com/";

function record(key: string, overrides: Partial<SluiceRecord> = {}): SluiceRecord {
  return {
    bucket: "b",
    key,
    objectUrl: `${URL}${key}`,
    dataType: "image",
    status: "ready",
    title: key,
    clientMetadata: {},
    provenance: {},
    mediaMetadata: { fileSize: 10, width: 4, height: 3 },
    sidecarKey: null,
    etag: null,
    versionId: null,
    errors: [],
    warnings: [],
    updatedAt: "2026-01-01T00:00:00.000Z",
    importEntry: null,
    export: { state: "pending" },
    ...overrides,
  };
}

function assemble(manifest: GroupManifest, names: string[], extra: Partial<AssembleGroupInput> = {}) {
  return assembleImageGroup({
    manifestKey: "seq/tl/_group.json",
    manifest,
    members: names.map((name) => ({ key: `seq/tl/${name}`, record: record(`seq/tl/${name}`) })),
    folderDefaults: { clientMetadata: {}, provenance: {} },
    ...extra,
  });
}

const frames = (n: number) => Array.from({ length: n }, (_, i) => `frame${i + 1}.png`);

describe("assembleImageGroup", () => {
  it("orders frames naturally and builds an image sequence entry when count is reached", () => {
    const result = assemble({ type: "image_sequence", count: 12 }, [...frames(12)].sort());

    expect(result.status).toBe("ready");
    expect(result.memberKeys).toEqual(frames(12).map((f) => `seq/tl/${f}`));
    expect(result.entry).toMatchObject({
      title: "seq/tl",
      createVideo: true,
      objectUrl_1: `${URL}seq/tl/frame2.png`,
    });
    expect(result.entry).toMatchObject({ objectUrl_11: `${URL}seq/tl/frame12.png` });
    expect(ImportFileSchema.safeParse({ image_groups: [result.entry] }).success).toBe(true);
  });

  it("is incomplete with no entry when fewer members than count are present", () => {
    const result = assemble({ type: "image_sequence", count: 12 }, frames(11));

    expect(result).toMatchObject({ status: "incomplete", entry: null, missing: [] });
    expect(result.warnings).toContainEqual({ code: "group-incomplete", message: "11 of 12 members present" });
  });

  it("follows the members order and lists missing names when some are absent", () => {
    const manifest: GroupManifest = { type: "image_group", members: ["c.png", "a.png", "b.png"] };

    const partial = assemble(manifest, ["a.png", "c.png"]);
    const full = assemble(manifest, ["a.png", "b.png", "c.png"]);

    expect(partial).toMatchObject({ status: "incomplete", missing: ["b.png"], entry: null });
    expect(full.status).toBe("ready");
    expect(full.memberKeys).toEqual(["seq/tl/c.png", "seq/tl/a.png", "seq/tl/b.png"]);
    expect(full.entry).toMatchObject({ createVideo: false, objectUrl_0: `${URL}seq/tl/c.png` });
  });

  it("is ready without members or count when at least one image is present", () => {
    expect(assemble({ type: "image_group" }, ["x.png"]).status).toBe("ready");
    expect(assemble({ type: "image_group" }, []).status).toBe("incomplete");
  });

  it("leaves out a non-image member with a warning", () => {
    const result = assembleImageGroup({
      manifestKey: "g/_group.json",
      manifest: { type: "image_group" },
      members: [
        { key: "g/a.png", record: record("g/a.png") },
        { key: "g/notes.txt", record: record("g/notes.txt", { dataType: "text" }) },
      ],
      folderDefaults: { clientMetadata: {}, provenance: {} },
    });

    expect(result.memberKeys).toEqual(["g/a.png"]);
    expect(result.warnings.map((w) => w.code)).toEqual(["group-non-image-member"]);
    expect(result.status).toBe("ready");
  });

  it("is invalid and names the member when a member is invalid", () => {
    const result = assembleImageGroup({
      manifestKey: "g/_group.json",
      manifest: { type: "image_group" },
      members: [{ key: "g/a.png", record: record("g/a.png", { status: "invalid" }) }],
      folderDefaults: { clientMetadata: {}, provenance: {} },
    });

    expect(result.status).toBe("invalid");
    expect(result.errors[0]?.code).toBe("group-member-invalid");
    expect(result.errors[0]?.message).toContain("g/a.png");
  });

  it("lays the manifest's clientMetadata over the folder defaults and uses its title", () => {
    const result = assemble(
      { type: "image_group", title: "scan-17", clientMetadata: { site: "B", part: "valve" } },
      ["a.png"],
      {
        folderDefaults: {
          clientMetadata: { site: "A", batch: 7 },
          provenance: { site: "_defaults.json", batch: "seq/_defaults.json" },
        },
      },
    );

    expect(result.title).toBe("scan-17");
    expect(result.clientMetadata).toEqual({ batch: 7, part: "valve", site: "B" });
    expect(result.provenance).toEqual({
      batch: "seq/_defaults.json",
      part: "seq/tl/_group.json",
      site: "seq/tl/_group.json",
    });
    expect(result.entry?.clientMetadata).toEqual({ batch: 7, part: "valve", site: "B" });
  });

  it("uses objectUrlOf when given", () => {
    const result = assemble({ type: "image_group" }, ["a.png"], {
      objectUrlOf: (key) => `https://cdn.example/${key}`,
    });

    expect(result.entry).toMatchObject({ objectUrl_0: "https://cdn.example/seq/tl/a.png" });
  });

  it("warns with mixed-image-sizes naming the first differing frame in a sequence", () => {
    const result = assembleImageGroup({
      manifestKey: "s/_group.json",
      manifest: { type: "image_sequence" },
      members: [
        { key: "s/1.png", record: record("s/1.png") },
        { key: "s/2.png", record: record("s/2.png") },
        {
          key: "s/3.png",
          record: record("s/3.png", { mediaMetadata: { fileSize: 1, width: 8, height: 6 } }),
        },
      ],
      folderDefaults: { clientMetadata: {}, provenance: {} },
    });

    expect(result.status).toBe("ready");
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ code: "mixed-image-sizes" });
    expect(result.warnings[0]?.message).toContain("s/3.png is 8x6");
  });

  it("warns sequence-long above 15,000 frames and is invalid with sequence-too-long above 32,767", () => {
    const long = assemble({ type: "image_sequence" }, frames(15_001));
    const tooLong = assemble({ type: "image_sequence" }, frames(32_768));

    expect(long.status).toBe("ready");
    expect(long.warnings.map((w) => w.code)).toEqual(["sequence-long"]);
    expect(tooLong.status).toBe("invalid");
    expect(tooLong.errors.map((e) => e.code)).toEqual(["sequence-too-long"]);
  });

  it("warns about unlisted images and a count that disagrees with members", () => {
    const result = assemble({ type: "image_group", members: ["a.png"], count: 2 }, ["a.png", "extra.png"]);

    expect(result.memberKeys).toEqual(["seq/tl/a.png"]);
    expect(result.warnings.map((w) => w.code).sort()).toEqual([
      "group-count-mismatch",
      "group-unlisted-member",
    ]);
  });
});
