import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dicomFile } from "../helpers/dicom-writer";
import { shuffled, urlsOf } from "../helpers/group-entries";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";
import { probeMediaPath } from "../helpers/probe-truth";

// A series has no count to wait for: it exports once quiet for the settle window, so the window
// must outlast one upload round, or the exports run between rounds would send partial series.
const SETTLE_SECONDS = 5;
const INSTANCES = 40;
const STUDY = "2.25.300";

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline({ SETTLE_SECONDS: String(SETTLE_SECONDS) });
});
afterAll(async () => {
  await h?.stop();
});

interface SeriesSpec {
  /** The file name prefix, `s1` → `s1-i07.dcm`. */
  name: string;
  folder: string;
  uid: string;
  description?: string;
}

const fileName = (series: SeriesSpec, instance: number) =>
  `${series.name}-i${String(instance).padStart(2, "0")}.dcm`;

/** One upload per instance: each series in its own shuffled order, the series taken in turn. */
function interleavedUploads(series: readonly SeriesSpec[], count: number) {
  const instances = Array.from({ length: count }, (_, i) => i + 1);
  const perSeries = series.map((s, n) =>
    shuffled(instances, 11 + n).map((instance) => ({
      key: `${s.folder}${fileName(s, instance)}`,
      bytes: dicomFile({
        studyUid: STUDY,
        seriesUid: s.uid,
        sopInstanceUid: `${s.uid}.${instance}`,
        instanceNumber: instance,
        ...(s.description === undefined ? {} : { seriesDescription: s.description }),
      }),
    })),
  );
  return instances.flatMap((_, i) => perSeries.flatMap((uploads) => uploads[i] ?? []));
}

/** Uploads in rounds, settling and running the exporter after each, as a slow upload would meet it. */
async function uploadInRounds(uploads: readonly { key: string; bytes: Uint8Array }[], round: number) {
  for (let start = 0; start < uploads.length; start += round) {
    for (const { key, bytes } of uploads.slice(start, start + round)) await h.put(key, bytes);
    await h.settle();
    await h.exportNow();
  }
  await h.settle();
  await h.exportNow();
  // Wait out the settle window once, after the last change, then export what has gone quiet.
  await sleep(SETTLE_SECONDS * 1000 + 500);
  await h.exportNow();
}

describe("DICOM series in the pipeline", () => {
  it("exports each of three interleaved series once, whole and in InstanceNumber order, when files arrive shuffled", async () => {
    // Prepare
    const series: SeriesSpec[] = [
      { name: "s1", folder: "study3/", uid: `${STUDY}.1`, description: "Axial T1" },
      { name: "s2", folder: "study3/", uid: `${STUDY}.2`, description: "Coronal T2" },
      { name: "s3", folder: "study3/", uid: `${STUDY}.3` },
    ];
    const uploads = interleavedUploads(series, INSTANCES);

    // Act
    await uploadInRounds(uploads, 20);

    // Assert
    const entries = (await h.exportedEntries()).filter((e) =>
      urlsOf(e).some((u) => String(u).includes("/study3/")),
    );
    expect(entries.map((e) => e.importKey)).toEqual(["dicom_series", "dicom_series", "dicom_series"]);
    expect(entries.map((e) => e.title).sort()).toEqual([
      "study3/2.25.300.3",
      "study3/Axial T1",
      "study3/Coronal T2",
    ]);
    for (const s of series) {
      const title = `study3/${s.description ?? s.uid}`;
      const entry = entries.find((e) => e.title === title) ?? {};
      const expected = Array.from({ length: INSTANCES }, (_, i) => fileName(s, i + 1));
      expect(urlsOf(entry).map((u) => String(u).split("/").at(-1))).toEqual(expected);
    }
    expect(entries.filter((e) => String(e.title).endsWith(".dcm"))).toEqual([]);
    for (const { key } of uploads) {
      const record = await h.record(key);
      const uid = record?.mediaMetadata?.dicom?.seriesInstanceUid;
      expect({ key, state: record?.export.state, groupKey: record?.groupKey }).toEqual({
        key,
        state: "held",
        groupKey: `dicom:${uid}`,
      });
    }
    for (const s of series) {
      const group = await h.record(`dicom:${s.uid}`);
      expect(group?.export.state).toBe("exported");
      expect(group?.warnings.map((w) => w.code)).not.toContain("changed-after-export");
    }
  }, 120_000);

  it("exports one series per sub-prefix when two series of one study sit in different folders", async () => {
    // Prepare
    const series: SeriesSpec[] = [
      { name: "a", folder: "study4/a/", uid: `${STUDY}.4`, description: "Sagittal" },
      { name: "b", folder: "study4/b/", uid: `${STUDY}.5` },
    ];
    const uploads = interleavedUploads(series, 6);

    // Act
    await uploadInRounds(uploads, 5);

    // Assert
    const entries = (await h.exportedEntries()).filter((e) =>
      urlsOf(e).some((u) => String(u).includes("/study4/")),
    );
    const byTitle = Object.fromEntries(
      entries.map((e) => [e.title, urlsOf(e).map((u) => String(u).split("/").slice(-3).join("/"))]),
    );
    expect(entries.map((e) => e.importKey)).toEqual(["dicom_series", "dicom_series"]);
    expect(byTitle).toEqual({
      "study4/a/Sagittal": [1, 2, 3, 4, 5, 6].map((i) => `study4/a/a-i0${i}.dcm`),
      "study4/b/2.25.300.5": [1, 2, 3, 4, 5, 6].map((i) => `study4/b/b-i0${i}.dcm`),
    });
    expect((await h.record("study4/b/b-i01.dcm"))?.groupKey).toBe("dicom:2.25.300.5");
  }, 60_000);

  it("skips a study folder's DICOMDIR with a note and exports its series once, whole, without it", async () => {
    // Prepare: series a of the probe fixtures as a file set holds it, the DICOMDIR (dcmmkdir's) first.
    const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));
    const uploads = [
      { key: "study5/DICOMDIR", bytes: fixture("skip-dicomdir-series-a") },
      ...[3, 1, 2].map((n) => ({ key: `study5/IM${n}`, bytes: fixture(`dicom-series-a-${n}.dcm`) })),
    ];

    // Act
    await uploadInRounds(uploads, 2);

    // Assert
    const entries = (await h.exportedEntries()).filter((e) =>
      urlsOf(e).some((u) => String(u).includes("/study5/")),
    );
    expect(
      entries.map((e) => [e.importKey, e.title, urlsOf(e).map((u) => String(u).split("/").at(-1))]),
    ).toEqual([["dicom_series", "study5/2.25.314159265358979323846.1.1", ["IM1", "IM2", "IM3"]]]);
    const directory = await h.record("study5/DICOMDIR");
    expect({
      status: directory?.status,
      dataType: directory?.dataType,
      groupKey: directory?.groupKey,
      state: directory?.export.state,
      errors: directory?.errors.map((e) => e.code),
    }).toEqual({
      status: "skipped",
      dataType: null,
      groupKey: undefined,
      state: "held",
      errors: ["dicom-directory"],
    });
    const series = await h.record("dicom:2.25.314159265358979323846.1.1");
    expect(series?.export.state).toBe("exported");
    expect(series?.warnings.map((w) => w.code)).not.toContain("changed-after-export");
  }, 60_000);
});
