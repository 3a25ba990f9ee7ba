import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../packages/core/src/bytes/byte-source";
import { HEAD_BYTES } from "../../packages/core/src/bytes/head-bytes";
import { inflatePrefix } from "../../packages/core/src/bytes/inflate-prefix";
import {
  checkMetadataLayer,
  MAX_SIDECAR_BYTES,
  parseSidecar,
} from "../../packages/core/src/metadata/sidecar";
import {
  exceedsValueBudget,
  MAX_METADATA_DEPTH,
  MAX_METADATA_NODES,
  MAX_TOP_LEVEL_KEYS,
} from "../../packages/core/src/metadata/sidecar-limits";
import { probeDicom } from "../../packages/core/src/probes/dicom";
import { probePdf } from "../../packages/core/src/probes/pdf";
import { DEFAULT_PROBE_SETTINGS } from "../../packages/core/src/probes/probe-types";
import { inferDataType } from "../../packages/core/src/typing/infer-type";
import { deflatedDicomBomb, niftiGzipBomb, niftiMaskGz, pdfXrefBomb } from "../helpers/hostile-inputs";

// Issue 14: every parser stays within its budget on inputs built to exceed it. Inputs are generated
// here (bombs from repeated deflate chunks), so each costs kilobytes to hold and milliseconds to make.

// No shrinking: one run of a large input takes seconds, and its parameters already say what failed.
const RUNS = { seed: 14_2026, numRuns: 30, timeout: 20_000, endOnFailure: true };
/** Wall time one parse may take on a shared two-core machine: generous, yet far below the 79 s, 209 s and 46 s found. */
const MAX_MS = 10_000;
/** Growth of buffers outside the JS heap (where zlib's output lives) that one probe may cause. */
const MAX_EXTERNAL_BYTES = 96 * 1024 * 1024;

async function measured<T>(run: () => Promise<T> | T): Promise<{ result: T; ms: number; external: number }> {
  const external = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started, external: process.memoryUsage().arrayBuffers - external };
}

/** A JSON text with the number of values and the deepest container depth it holds, known by construction. */
interface Shaped {
  text: string;
  values: number;
  depth: number;
  topLevelKeys: number;
}

const UNITS = {
  "[0]": { values: 2, depth: 1 },
  "[]": { values: 1, depth: 1 },
  "0": { values: 1, depth: 0 },
  "{}": { values: 1, depth: 1 },
  '{"k":[1,2]}': { values: 4, depth: 2 },
  '"a,[{"': { values: 1, depth: 0 },
} as const;

/**
 * The shape of a generated input, so that a counterexample prints as a few numbers: wide arrays of a
 * unit around the budget (`{"a":[unit,...]}`), wide objects (`{"k0":0,...}`), or nesting up to 30,000.
 */
type Shape =
  | { kind: "wide"; unit: keyof typeof UNITS; count: number }
  | { kind: "keys"; count: number }
  | { kind: "deep"; levels: number; object: boolean };

const shapeArb: fc.Arbitrary<Shape> = fc.oneof(
  fc.record({
    kind: fc.constant("wide" as const),
    unit: fc.constantFrom(...(Object.keys(UNITS) as (keyof typeof UNITS)[])),
    count: fc.integer({ min: 0, max: 1_300_000 }),
  }),
  fc.record({
    kind: fc.constant("keys" as const),
    count: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 1_100_000 })),
  }),
  fc.record({
    kind: fc.constant("deep" as const),
    levels: fc.integer({ min: 1, max: 30_000 }),
    object: fc.boolean(),
  }),
);

/** The JSON text of a shape, with the values it holds and its deepest container's depth. */
function build(shape: Shape): Shaped {
  if (shape.kind === "wide") {
    const unit = UNITS[shape.unit];
    return {
      text: `{"a":[${new Array<string>(shape.count).fill(shape.unit).join(",")}]}`,
      values: 2 + shape.count * unit.values,
      depth: 1 + (shape.count > 0 ? unit.depth : 0),
      topLevelKeys: 1,
    };
  }
  if (shape.kind === "keys") {
    const members = Array.from({ length: shape.count }, (_, i) => `"k${i}":0`);
    return { text: `{${members.join(",")}}`, values: 1 + shape.count, depth: 0, topLevelKeys: shape.count };
  }
  // `levels` objects or arrays under the root: `{"a":{"a":...0}}` or `{"a":[[...]]}`.
  const { levels, object } = shape;
  const text = object
    ? `${'{"a":'.repeat(levels + 1)}0${"}".repeat(levels + 1)}`
    : `{"a":${"[".repeat(levels)}${"]".repeat(levels)}}`;
  return { text, values: levels + 1 + (object ? 1 : 0), depth: levels, topLevelKeys: 1 };
}

describe("parseSidecar within its budgets", () => {
  it("accepts exactly the sidecars within 10 MB, 64 levels, 1,000,000 values and 10,000 keys, each in bounded time", async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, async (shape) => {
        const { text, values, depth, topLevelKeys } = build(shape);
        const bytes = new TextEncoder().encode(text);

        const { result, ms } = await measured(() => parseSidecar(bytes, "a.png.metadata.json"));

        const tooLarge = bytes.byteLength > MAX_SIDECAR_BYTES;
        const tooComplex = values > MAX_METADATA_NODES || topLevelKeys > MAX_TOP_LEVEL_KEYS;
        const tooDeep = depth >= MAX_METADATA_DEPTH;
        expect(result.ok).toBe(!tooLarge && !tooComplex && !tooDeep);
        if (!result.ok) {
          const expected = tooLarge
            ? "sidecar-too-large"
            : tooComplex
              ? "sidecar-too-complex"
              : "sidecar-invalid";
          expect(result.error.code).toBe(expected);
        }
        expect(ms).toBeLessThan(MAX_MS);
      }),
      RUNS,
    );
  });

  it("counts on the text exactly the values a parse would hold, for any JSON", () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.nat({ max: 60 }),
        fc.constantFrom(undefined, 2),
        (value, budget, indent) => {
          const text = JSON.stringify(value, null, indent);

          expect(exceedsValueBudget(text, budget)).toBe(countValues(value) > budget);
        },
      ),
      { seed: 14_2026, numRuns: 500 },
    );
  });
});

describe("checkMetadataLayer (the API layer) within its budgets", () => {
  it("refuses with the sidecar's code exactly the parsed layers past 64 levels, 1,000,000 values or 10,000 keys", async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, async (shape) => {
        const { text, values, depth, topLevelKeys } = build(shape);
        if (text.length > MAX_SIDECAR_BYTES) return;
        const layer = JSON.parse(text);

        const { result, ms } = await measured(() => checkMetadataLayer(layer));

        if (values > MAX_METADATA_NODES || topLevelKeys > MAX_TOP_LEVEL_KEYS) {
          expect(result?.code).toBe("sidecar-too-complex");
        } else if (depth >= MAX_METADATA_DEPTH) expect(result?.code).toBe("sidecar-invalid");
        else expect(result).toBeNull();
        expect(ms).toBeLessThan(MAX_MS);
      }),
      RUNS,
    );
  });
});

describe("inflatePrefix", () => {
  it("gives at most its budget and stops there, whatever the stream would inflate to", async () => {
    // Up to 512 MB: the gzip trailer's CRC of the zeros is computed for real, at about 1 s a GB.
    const zeros = fc.integer({ min: 0, max: 512_000_000 });
    await fc.assert(
      fc.asyncProperty(zeros, fc.integer({ min: 1, max: 8 * 1024 * 1024 }), async (voxels, budget) => {
        const gzip = niftiGzipBomb(voxels);

        const { result, ms, external } = await measured(() => inflatePrefix(gzip, "gzip", budget));

        const inflated = 352 + voxels;
        expect(result.bytes.byteLength).toBe(Math.min(budget, inflated));
        expect(result.stop).toBe(inflated >= budget ? "budget" : "end");
        expect(ms).toBeLessThan(MAX_MS);
        expect(external).toBeLessThan(budget + MAX_EXTERNAL_BYTES);
      }),
      { ...RUNS, numRuns: 40 },
    );
  });
});

describe("probeDicom within its budget", () => {
  it("reads a deflate bomb of any size, cut anywhere, in bounded time and memory, never calling it invalid when whole", async () => {
    const bombArb = fc.record({
      inflated: fc.integer({ min: 1_000, max: 2_000_000_000 }),
      layout: fc.constantFrom("before-fields" as const, "pixel-data" as const),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(bombArb, async ({ inflated, layout, cut }) => {
        const whole = deflatedDicomBomb(inflated, layout);
        const bytes = cut === undefined ? whole : whole.subarray(0, cut % whole.byteLength);

        const { result, ms, external } = await measured(() =>
          probeDicom(createMemoryByteSource(bytes), DEFAULT_PROBE_SETTINGS),
        );

        if (cut === undefined) {
          expect(result.errors).toEqual([]);
          expect(result.media.dicom?.sopInstanceUid).toBe("2.25.14.1");
          if (layout === "pixel-data") expect(result.media.width).toBe(4096);
        }
        for (const error of result.errors) expect(["media-truncated", "media-corrupt"]).toContain(error.code);
        expect(ms).toBeLessThan(MAX_MS);
        expect(external).toBeLessThan(MAX_EXTERNAL_BYTES);
      }),
      RUNS,
    );
  });
});

describe("inferDataType on NIfTI within its budget", () => {
  it("types any gzipped NIfTI from its head, however far the head inflates, in bounded time and memory", async () => {
    const inputArb = fc.oneof(
      fc.integer({ min: 0, max: 512_000_000 }).map((voxels) => ({ level: -1, bytes: niftiGzipBomb(voxels) })),
      fc
        .record({ level: fc.integer({ min: 1, max: 9 }), size: fc.integer({ min: 8, max: 96 }) })
        .map(({ level, size }) => ({ level, bytes: niftiMaskGz(level, size) })),
    );
    await fc.assert(
      fc.asyncProperty(inputArb, async ({ bytes }) => {
        const head = bytes.subarray(0, HEAD_BYTES);

        const { result, ms, external } = await measured(() => inferDataType({ head, key: "masks/m.nii.gz" }));

        expect(result).toMatchObject({ ok: true, dataType: "nifti", source: "content" });
        expect(ms).toBeLessThan(MAX_MS);
        expect(external).toBeLessThan(MAX_EXTERNAL_BYTES);
      }),
      RUNS,
    );
  });
});

describe("probePdf within its budget", () => {
  it("answers a cross-reference bomb in bounded time and memory, omitting the block rather than failing", async () => {
    const bombArb = fc.record({
      widths: fc.constantFrom("0 0 0", "0 1 0", "1 1 1", "1 4 2"),
      count: fc.integer({ min: 0, max: 50_000_000 }),
      data: fc.integer({ min: 0, max: 48_000_000 }),
    });
    await fc.assert(
      fc.asyncProperty(bombArb, async ({ widths, count, data }) => {
        const pdf = pdfXrefBomb(`/W [${widths}] /Index [0 ${count}]`, data);

        const { result, ms, external } = await measured(() =>
          probePdf(createMemoryByteSource(pdf), DEFAULT_PROBE_SETTINGS),
        );

        // The catalog's objects are free in these tables: a fault of the file, never a failed probe.
        for (const error of result.errors) expect(error.code).toBe("media-corrupt");
        for (const omitted of result.omitted) expect(omitted.reason).toContain("the probe's budget");
        expect(ms).toBeLessThan(MAX_MS);
        expect(external).toBeLessThan(MAX_EXTERNAL_BYTES);
      }),
      { ...RUNS, numRuns: 20 },
    );
  });
});

function countValues(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce<number>((sum, v) => sum + countValues(v), 0);
  if (typeof value === "object" && value !== null) {
    return 1 + Object.values(value).reduce<number>((sum, v) => sum + countValues(v), 0);
  }
  return 1;
}
