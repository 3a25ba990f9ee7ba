import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../packages/api/src/index";
import { createApiDeps } from "../../../packages/lambda/src/api-deps";
import { callApi } from "../../helpers/api-request";
import { dicomFile } from "../../helpers/dicom-writer";
import { mediaBytes } from "../../helpers/media";
import { type PipelineHarness, startPipeline } from "../../helpers/pipeline-harness";

const TOKEN = "test-token-0123456789";
const URL_SAFE = /^[A-Za-z0-9_-]+$/;
const SERIES = "2.25.770001";

let h: PipelineHarness;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  h = await startPipeline();
  app = createApp(createApiDeps(h.deps, TOKEN));
  // Thirty images: enough pages for s3rver's continuation tokens to hold a `+` or a `/`.
  for (let i = 0; i < 30; i += 1)
    await h.put(`list/img/n${String(i).padStart(2, "0")}.png`, mediaBytes("image.png"));
  await h.put("list/seq1/_group.json", JSON.stringify({ type: "image_sequence", count: 3 }));
  for (const name of ["f1.png", "f2.png"]) await h.put(`list/seq1/${name}`, mediaBytes("image.png"));
  await h.put("list/grp/_group.json", JSON.stringify({ type: "image_group" }));
  for (const name of ["g1.png", "g2.png"]) await h.put(`list/grp/${name}`, mediaBytes("image.png"));
  for (const instance of [1, 2]) {
    const bytes = dicomFile({
      studyUid: "2.25.770000",
      seriesUid: SERIES,
      sopInstanceUid: `${SERIES}.${instance}`,
      instanceNumber: instance,
      seriesDescription: "axial",
    });
    await h.put(`list/scans/s-${instance}.dcm`, bytes);
  }
  for (const key of ["list/gone/a.txt", "list/gone/b.txt", "list/gone/c.txt", "other/gone.txt"])
    await h.put(key, "soon gone\n");
  await h.settle();
  for (const key of ["list/gone/a.txt", "list/gone/b.txt", "list/gone/c.txt", "other/gone.txt"])
    await h.remove(key);
  await h.settle();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

/** GET with the path sent exactly as given: a cursor pasted into it is not encoded again. */
const get = (path: string) => callApi(app, TOKEN, path);

const keysOf = (body: { records: { key: string }[] }) => body.records.map((record) => record.key);

/** Every page of a listing, following each cursor as it was given out (not URL-encoded). */
async function allPages(query: string, limit: number) {
  const keys: string[] = [];
  const cursors: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page += 1) {
    const res = await get(`/records?${query}&limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`);
    expect(res.status).toBe(200);
    keys.push(...keysOf(res.body));
    cursor = res.body.cursor;
    if (cursor === null) break;
    cursors.push(cursor);
  }
  return { keys, cursors };
}

describe("GET /records: cursors", () => {
  it("gives out URL-safe cursors that work pasted into a URL unencoded, page after page", async () => {
    const { keys, cursors } = await allPages("prefix=list/img/", 4);

    expect(cursors.length).toBeGreaterThan(5);
    for (const cursor of cursors) expect(cursor).toMatch(URL_SAFE);
    expect(keys).toEqual(Array.from({ length: 30 }, (_, i) => `list/img/n${String(i).padStart(2, "0")}.png`));
  });

  it("answers 400 invalid-cursor for a cursor that does not decode, was changed, or belongs to another listing", async () => {
    const first = await get("/records?prefix=list/img/&limit=2");
    const deleted = await get("/records?prefix=list/&status=deleted&limit=1");
    const cursor: string = first.body.cursor;
    const flipped = `${cursor.slice(0, -1)}${cursor.endsWith("A") ? "B" : "A"}`;

    const answers = await Promise.all([
      get("/records?cursor=garbage"),
      get(`/records?prefix=list/img/&cursor=${flipped}`),
      get(`/records?prefix=list/img/&cursor=${cursor.slice(0, 12)}`),
      get(`/records?prefix=list/&cursor=${cursor}`),
      get(`/records?prefix=list/img/&status=ready&cursor=${cursor}`),
      get(`/records?prefix=list/&type=image_group&cursor=${deleted.body.cursor}`),
      get(`/records?prefix=list/&status=invalid&cursor=${deleted.body.cursor}`),
      get(`/records?prefix=list/img/&cursor=${encodeURIComponent(`${cursor}+/=`)}`),
    ]);

    expect(first.body.cursor).toMatch(URL_SAFE);
    expect(deleted.body.cursor).toMatch(URL_SAFE);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("invalid-cursor");
    }
  });
});

describe("GET /records: what each filter names", () => {
  it("lists image sequences, image groups and DICOM series, each as its own record, in their folder", async () => {
    const sequences = await get("/records?prefix=list/&type=image_sequence");
    const groups = await get("/records?prefix=list/&type=image_group");
    const series = await get("/records?prefix=list/scans/&type=dicom_series");
    const seriesElsewhere = await get("/records?prefix=other/&type=dicom_series");
    const readyGroups = await get("/records?prefix=list/&type=image_group&status=ready");
    const incompleteGroups = await get("/records?prefix=list/&type=image_group&status=incomplete");

    expect(keysOf(sequences.body)).toEqual(["list/seq1/"]);
    expect(sequences.body.records[0]).toMatchObject({ dataType: "image_sequence", status: "incomplete" });
    expect(keysOf(groups.body)).toEqual(["list/grp/"]);
    expect(groups.body.records[0]).toMatchObject({ dataType: "image_group", status: "ready" });
    expect(keysOf(series.body)).toEqual([`dicom:${SERIES}`]);
    expect(series.body.records[0]).toMatchObject({ dataType: "dicom_series", title: "list/scans/axial" });
    expect(keysOf(seriesElsewhere.body)).toEqual([]);
    expect(keysOf(readyGroups.body)).toEqual(["list/grp/"]);
    expect(keysOf(incompleteGroups.body)).toEqual([]);
  });

  it("lists deleted records (tombstones) and incomplete groups by status, under the prefix only", async () => {
    const deleted = await get("/records?prefix=list/&status=deleted");
    const incomplete = await get("/records?prefix=list/&status=incomplete");
    const everywhere = await get("/records?status=deleted");

    expect(keysOf(deleted.body).sort()).toEqual(["list/gone/a.txt", "list/gone/b.txt", "list/gone/c.txt"]);
    expect(deleted.body.records.every((r: { status: string }) => r.status === "deleted")).toBe(true);
    expect(keysOf(incomplete.body)).toEqual(["list/seq1/"]);
    expect(keysOf(everywhere.body).sort()).toEqual([
      "list/gone/a.txt",
      "list/gone/b.txt",
      "list/gone/c.txt",
      "other/gone.txt",
    ]);
  });

  it("pages through records of a status one at a time, each once", async () => {
    const { keys, cursors } = await allPages("prefix=list/&status=deleted", 1);
    const groups = await allPages("type=image_group", 1);

    expect(keys.sort()).toEqual(["list/gone/a.txt", "list/gone/b.txt", "list/gone/c.txt"]);
    for (const cursor of cursors) expect(cursor).toMatch(URL_SAFE);
    expect(groups.keys).toEqual(["list/grp/"]);
  });

  it("shows each member's groupKey in a listing of its folder", async () => {
    const frames = await get("/records?prefix=list/seq1/");
    const series = await get("/records?prefix=list/scans/");

    expect(frames.body.records.map((r: { key: string; groupKey?: string }) => [r.key, r.groupKey])).toEqual([
      ["list/seq1/f1.png", "list/seq1/"],
      ["list/seq1/f2.png", "list/seq1/"],
    ]);
    expect(frames.body.records.every((r: { export: { state: string } }) => r.export.state === "held")).toBe(
      true,
    );
    expect(series.body.records.map((r: { groupKey?: string }) => r.groupKey)).toEqual([
      `dicom:${SERIES}`,
      `dicom:${SERIES}`,
    ]);
  });
});
