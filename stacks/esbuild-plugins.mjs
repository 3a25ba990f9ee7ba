// The esbuild plugins of every function's bundle, given to SST as `nodejs.plugins` (stacks/function-build.ts).
// Plain JavaScript: SST's CLI loads this file with the deployer's `node`
// (.sst/platform/functions/nodejs-runtime/plugin.mjs), not through a TypeScript loader.
// That bridge (sst 4.17.1) tests each filter against a field it never sets, i.e. against the string "undefined", so
// a narrow filter would never fire there: every filter here matches anything and each callback checks the path.
import { dirname } from "node:path";

/** zod's index of locales, which its namespace re-exports (`z.locales`, `z.core.locales`). */
const ZOD_LOCALES_INDEX = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;

/**
 * Keeps English alone of zod's 64 locales. `import { z } from "zod"` (in Sluice and in Powertools' parser) keeps
 * the whole namespace, and with it every locale: 267 KB of each bundle that V8 compiles at every cold start.
 * zod configures English itself (classic/schemas.js imports locales/en.js), so error messages stay the same;
 * only `z.locales.<other>` is gone, which nothing calls.
 */
export const zodEnglishOnly = {
  name: "zod-english-only",
  /** @param {import("esbuild").PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /.*/ }, (args) => {
      if (!ZOD_LOCALES_INDEX.test(args.path)) return undefined;
      return {
        contents: 'export { default as en } from "./en.js";\n',
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
  },
};

// SST's contract for `nodejs.plugins` is a default export (the project's other one is sst.config.ts).
export default [zodEnglishOnly];
