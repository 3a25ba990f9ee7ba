import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import plugins from "../../../stacks/esbuild-plugins.mjs";
import { PROJECT_ROOT, SST_ESM_BUILD } from "../../helpers/sst-synth/build-function";

/** The packages with code in a function's bundle as SST builds it with the stacks' plugins (by `node_modules` folder). */
async function packagesIn(entry: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    ...SST_ESM_BUILD,
    keepNames: true,
    minify: true,
    external: ["sharp", "pg-native"],
    plugins,
    write: false,
    outfile: "out.mjs",
    metafile: true,
  });
  const found = new Set<string>();
  // Only what reaches the output: esbuild lists every module it read, tree-shaken away or not.
  for (const output of Object.values(result.metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      if (name && bytesInOutput > 0) found.add(name);
    }
  return found;
}

describe("the Sluice packages' sideEffects", () => {
  it("leaves the probes' libraries out of a bundle when its handler never probes", async () => {
    const exporter = await packagesIn("functions/export.ts");
    const ingest = await packagesIn("functions/ingest.ts");

    for (const probeLibrary of ["music-metadata", "dicom-parser", "image-size", "file-type"]) {
      expect(exporter.has(probeLibrary), probeLibrary).toBe(false);
      expect(ingest.has(probeLibrary), probeLibrary).toBe(true);
    }
  });
});
