// The scenarios of `bench:cost` (issue 18), each under a top-level folder of its own in one bench stack. Only
// `run` is counted: every request the pipeline makes for it, the events of its `_defaults.json` and
// `_group.json` files included, divided by its data objects. `setup` (the 1,000 objects a defaults change
// re-derives) is processed and exported before counting starts.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { CostStack } from "./cost-stack";

/** One measured situation. */
export interface Scenario {
  name: string;
  /** The data objects the figures are divided by. */
  objects: number;
  setup?(stack: CostStack): Promise<void>;
  run(stack: CostStack): Promise<void>;
  /** Whether the pipeline did what the scenario expects, in words (e.g. "100/100 exported"). */
  check(stack: CostStack): Promise<{ ok: boolean; summary: string }>;
}

const FIXTURES = resolve(import.meta.dirname, "../test/fixtures/media");
const defaults = (content: Record<string, string>) => JSON.stringify(content);

/** The scenarios, the defaults change over `changeObjects` objects; fixtures read once. */
export async function scenarios(changeObjects: number): Promise<{ warmUp: Scenario; measured: Scenario[] }> {
  const png = await readFile(join(FIXTURES, "image.png"));
  const mp4 = await readFile(join(FIXTURES, "video.mp4"));
  const images = (prefix: string, count: number, name = (i: number) => `img-${i}.png`) =>
    Array.from({ length: count }, (_, i) => ({ key: `${prefix}${name(i + 1)}`, body: png }));

  const hundredImages: Scenario = {
    name: "100 images in one folder, _defaults.json at two levels",
    objects: 100,
    async run(stack) {
      await stack.put([
        { key: "img100/_defaults.json", body: defaults({ project: "cost" }) },
        { key: "img100/site/_defaults.json", body: defaults({ site: "s1" }) },
      ]);
      // The folder's defaults are there before its objects (a defaults change is a scenario of its own).
      await stack.settle();
      await stack.put(images("img100/site/", 100));
      await stack.settle();
      await stack.exportOnce();
    },
    check: (stack) => exported(stack, images("img100/site/", 100), { project: "cost", site: "s1" }),
  };

  const lone: Scenario = {
    name: "1 image in a fresh folder",
    objects: 1,
    async run(stack) {
      await stack.put(images("lone/fresh/", 1));
      await stack.settle();
      await stack.exportOnce();
    },
    check: (stack) => exported(stack, images("lone/fresh/", 1), {}),
  };

  // Each file's event in a batch of its own, in upload order, as files uploaded seconds apart arrive.
  const video = (folder: string, sidecarFirst: boolean): Scenario => ({
    name: `1 video, sidecar ${sidecarFirst ? "first" : "last"}, _defaults.json at two levels`,
    objects: 1,
    async run(stack) {
      const data = { key: `${folder}/cam/clip.mp4`, body: mp4 };
      const sidecar = { key: `${folder}/cam/clip.mp4.metadata.json`, body: defaults({ take: "7" }) };
      const files = [
        { key: `${folder}/_defaults.json`, body: defaults({ project: "cost" }) },
        { key: `${folder}/cam/_defaults.json`, body: defaults({ site: "s1", take: "0" }) },
        ...(sidecarFirst ? [sidecar, data] : [data, sidecar]),
      ];
      for (const file of files) {
        await stack.put([file]);
        await stack.settle();
      }
      await stack.exportOnce();
    },
    check: (stack) =>
      exported(stack, [{ key: `${folder}/cam/clip.mp4` }], { project: "cost", site: "s1", take: "7" }),
  });

  const sequence: Scenario = {
    name: "100-frame image sequence (_group.json first)",
    objects: 100,
    async run(stack) {
      await stack.put([
        { key: "seq100/_group.json", body: JSON.stringify({ type: "image_sequence", count: 100 }) },
      ]);
      await stack.settle();
      await stack.put(images("seq100/", 100, (i) => `frame${i}.png`));
      await stack.settle();
      await stack.exportOnce();
    },
    check: (stack) => exported(stack, [{ key: "seq100/" }], {}),
  };

  // Ten subfolders of the folder whose defaults change, as a dataset's days or cameras.
  const changed = Array.from({ length: changeObjects }, (_, i) => ({
    key: `change/d${i % 10}/img-${i + 1}.png`,
    body: png,
  }));
  const defaultsChange: Scenario = {
    name: `_defaults.json change over ${changeObjects.toLocaleString("en")} objects`,
    objects: changeObjects,
    async setup(stack) {
      await stack.put([{ key: "change/_defaults.json", body: defaults({ site: "a" }) }]);
      await stack.put(changed);
      await stack.settle();
      await stack.exportOnce();
    },
    async run(stack) {
      await stack.put([{ key: "change/_defaults.json", body: defaults({ site: "b" }) }]);
      await stack.settle();
      await stack.exportOnce();
    },
    check: (stack) => exported(stack, changed, { site: "b" }),
  };

  const warmUp: Scenario = {
    name: "warm-up (not reported)",
    objects: 11,
    async run(stack) {
      await stack.put([{ key: "warm/_defaults.json", body: defaults({ project: "warm" }) }]);
      await stack.put([...images("warm/a/", 10), { key: "warm/a/clip.mp4", body: mp4 }]);
      await stack.put([{ key: "warm/a/clip.mp4.metadata.json", body: defaults({ take: "1" }) }]);
      await stack.settle();
      await stack.exportOnce();
    },
    check: (stack) => exported(stack, [{ key: "warm/a/clip.mp4" }], { project: "warm", take: "1" }),
  };

  return {
    warmUp,
    measured: [
      hundredImages,
      lone,
      video("vid-first", true),
      video("vid-last", false),
      sequence,
      defaultsChange,
    ],
  };
}

/** How many of `objects` have a ready record, exported, whose clientMetadata includes `metadata`. */
async function exported(
  stack: CostStack,
  objects: readonly { key: string }[],
  metadata: Record<string, string>,
): Promise<{ ok: boolean; summary: string }> {
  let done = 0;
  for (const { key } of objects) {
    const record = await stack.record(key);
    const matches = Object.entries(metadata).every(([name, value]) => record?.clientMetadata[name] === value);
    if (record?.status === "ready" && record.export.state === "exported" && matches) done += 1;
  }
  const deadLetters = stack.deadLetters();
  return {
    ok: done === objects.length && deadLetters === 0,
    summary: `${done}/${objects.length} exported with their metadata, ${deadLetters} dead letters`,
  };
}
