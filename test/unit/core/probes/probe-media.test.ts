import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { HEAD_BYTES } from "../../../../packages/core/src/bytes/head-bytes";
import { probeMedia } from "../../../../packages/core/src/probes/probe-media";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { inferDataType } from "../../../../packages/core/src/typing/infer-type";
import { listProbeFixtures, probeMediaPath } from "../../../helpers/probe-truth";

const fixtures = listProbeFixtures().map((f) => f.name);

describe("probeMedia", () => {
  it.each(fixtures)("routes %s by its inferred MIME type to a probe that measures it", async (name) => {
    const source = createCachingByteSource(
      createMemoryByteSource(new Uint8Array(readFileSync(probeMediaPath(name)))),
    );
    const type = await inferDataType({ head: await source.read(0, HEAD_BYTES), key: name });
    if (!type.ok) throw new Error(`${name} was not typed: ${type.reason}`);

    const outcome = await probeMedia(source, type, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(Object.keys(outcome.media).length).toBeGreaterThan(0);
  });
});
