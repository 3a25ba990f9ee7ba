import { mkdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BuildOptions, build, type Plugin } from "esbuild";

/** The project root: where `functions/` and `sst.config.ts` live. */
export const PROJECT_ROOT = resolve(import.meta.dirname, "../../..");

// SST 4.17.1's Node build (Go source pkg/runtime/node/build.go; ../shared/docs/sst-offline.md "SST's Node
// function build"): ESM, minified, bundled with the AWS SDK, and this banner so that CommonJS dependencies
// can still `require` Node built-ins (debug, supports-color and dicom-parser do).
export const BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");

/** The esbuild settings SST's CLI uses for both the program and a function: ESM for Node, with the banner. */
export const SST_ESM_BUILD = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "esnext",
  mainFields: ["module", "main"],
  sourcemap: false,
  banner: { js: BANNER },
  logLevel: "silent",
} satisfies BuildOptions;

/** What one built function is: its folder, the file Lambda loads, the handler string and the file's size. */
export interface BuiltFunction {
  out: string;
  file: string;
  handler: string;
  bytes: number;
}

/** The part of a function's `nodejs` settings (SST's `Runtime.Build` properties) that changes its bundle here. */
export interface NodejsBuildSettings {
  /** A file exporting a list of esbuild plugins by default, relative to the project root (`nodejs.plugins`). */
  plugins?: string;
}

/**
 * Builds one handler (`functions/ingest.handler`) as SST does for `nodejs22.x` into `out`:
 * `functions/ingest.mjs`, exporting `handler`, with the function's `nodejs` settings.
 */
export async function buildFunction(
  handler: string,
  out: string,
  nodejs: NodejsBuildSettings = {},
): Promise<BuiltFunction> {
  const dot = handler.lastIndexOf(".");
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const entry = join(PROJECT_ROOT, `${modulePath}.ts`);
  const file = join(out, `${modulePath}.mjs`);
  await mkdir(dirname(file), { recursive: true });
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    ...SST_ESM_BUILD,
    keepNames: true,
    minify: true,
    external: ["sharp", "pg-native"],
    plugins: nodejs.plugins ? await loadPlugins(nodejs.plugins) : [],
    metafile: false,
  });
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.text).join("\n"));
  return { out, file, handler: `${modulePath}.${exportName}`, bytes: (await stat(file)).size };
}

/** SST's CLI imports the file from its working directory, the project root, and uses its default export. */
async function loadPlugins(file: string): Promise<Plugin[]> {
  const mod: { default?: unknown } = await import(pathToFileURL(resolve(PROJECT_ROOT, file)).href);
  if (!Array.isArray(mod.default))
    throw new Error(`${file} does not export a list of esbuild plugins by default`);
  return mod.default as Plugin[];
}
