import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { PROJECT_ROOT, SST_ESM_BUILD } from "./build-function";

/** `.sst/platform`, written by `npm run sst:install`. */
export const PLATFORM = join(PROJECT_ROOT, ".sst/platform");

/** The SST version the offline synthesis re-creates; the test refuses another (../shared/docs/sst-offline.md). */
export const PINNED_SST_VERSION = "4.17.1";

/** What `$app` holds while the program runs. */
export interface AppGlobals {
  name: string;
  stage: string;
  removal: string;
  protect: boolean;
  providers: Record<string, unknown>;
  home: string;
}

/** Fails unless `.sst/platform` is the pinned SST release. */
export async function checkPlatformVersion(): Promise<void> {
  const version = (await readFile(join(PLATFORM, "version"), "utf8")).trim().replace(/^v/, "");
  if (version !== PINNED_SST_VERSION)
    throw new Error(
      `.sst/platform is SST ${version}; the offline synthesis re-creates ${PINNED_SST_VERSION}'s CLI: check sst-offline.md against the new release, then update PINNED_SST_VERSION`,
    );
}

/** Step 1 of the CLI: evaluates `app({ stage })` of sst.config.ts, with the CLI's defaults. */
export async function evaluateApp(
  root: string,
  stage: string,
  outDir: string,
  cliRoot = root,
): Promise<AppGlobals> {
  const file = join(outDir, "app.mjs");
  const entry = join(root, "sst.config.ts");
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    format: "esm",
    platform: "node",
    banner: { js: "function $config(input) { return input }" },
    metafile: true,
    logLevel: "silent",
  });
  // The CLI's own rule (its message, word for word): imports belong inside app() and run().
  const config = Object.entries(result.metafile.inputs).find(([path]) => path.endsWith("sst.config.ts"));
  const topLevel = (config?.[1].imports ?? []).filter((i) => i.kind === "import-statement");
  if (topLevel.length > 0)
    throw new Error(
      'Your sst.config.ts has top level imports - this is not allowed. Move imports inside the function they are used and do a dynamic import: `const mod = await import("./mod")`',
    );
  const mod = (await import(`${file}?${Date.now()}`)) as {
    default: { app(input: { stage: string }): Partial<AppGlobals> | Promise<Partial<AppGlobals>> };
  };
  // The CLI evaluates app() in the project root.
  const cwd = process.cwd();
  process.chdir(cliRoot);
  const app = await (async () => {
    try {
      return await mod.default.app({ stage });
    } finally {
      process.chdir(cwd);
    }
  })();
  return {
    name: app.name ?? "app",
    stage,
    // The CLI's default when app() gives none.
    removal: app.removal ?? "retain",
    protect: app.protect ?? false,
    providers: { aws: {}, ...(app.providers ?? {}) },
    home: app.home ?? "aws",
  };
}

/**
 * Step 2: the program build, as the CLI makes it: `$app`/`$cli`/`$dev` defined, the shim injected,
 * `sst` and `aws` imported into every project file, the entry running `run(mod.run)`.
 */
export async function buildProgram(options: {
  root: string;
  /** `$cli.paths.root`: where the program reads `sluice.stages.json`; the project root unless a test gives its own. */
  cliRoot: string;
  app: AppGlobals;
  outDir: string;
  workDir: string;
}): Promise<string> {
  const { root, cliRoot, app, outDir, workDir } = options;
  await mkdir(outDir, { recursive: true });
  const entry = join(outDir, "entry.ts");
  await writeFile(
    entry,
    [
      `import { run } from ${JSON.stringify(join(PLATFORM, "src/auto/run.ts"))};`,
      `import mod from ${JSON.stringify(join(root, "sst.config.ts"))};`,
      `export default () => run(mod.run);`,
    ].join("\n"),
  );
  const globals: Plugin = {
    name: "sst-globals",
    setup(b) {
      // The platform's own dependencies stay packages, loaded from .sst/platform/node_modules at run time.
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.importer.startsWith(`${PLATFORM}/src/`) && !args.path.startsWith("node:"))
          return { path: args.path, external: true };
        return undefined;
      });
      b.onLoad({ filter: /\.(ts|js|mjs|tsx)$/ }, async (args) => {
        if (args.path.includes("/.sst/") || args.path.includes("/node_modules/")) return undefined;
        if (args.path === entry) return undefined;
        const contents = await readFile(args.path, "utf8");
        return {
          contents: `import * as aws from "@pulumi/aws";\nimport * as sst from ${JSON.stringify(join(PLATFORM, "src/components"))};\n${contents}`,
          loader: args.path.endsWith(".js") || args.path.endsWith(".mjs") ? "js" : "ts",
        };
      });
    },
  };
  const cli = {
    command: "deploy",
    dev: false,
    paths: { home: join(workDir, "home"), root: cliRoot, work: workDir, platform: PLATFORM },
    state: { version: {} },
  };
  const file = join(outDir, "program.mjs");
  await build({
    entryPoints: [entry],
    outfile: file,
    ...SST_ESM_BUILD,
    define: { $app: JSON.stringify(app), $cli: JSON.stringify(cli), $dev: "false" },
    inject: [join(PLATFORM, "src/shim/run.js")],
    nodePaths: [join(PLATFORM, "node_modules")],
    external: ["@pulumi/*", "@aws-sdk/*", "esbuild", "archiver", "glob", "prettier", "typescript"],
    plugins: [globals],
  });
  return file;
}
