import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  exportedNames,
  filesAtRoot,
  importCycles,
  importsOfFunctions,
  importsPastPackageEntry,
  nonEntryPoints,
  specifiersOf,
  starExports,
} from "../../helpers/source-graph";

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a throwaway repository of the given files and returns its root. */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "sluice-structure-"));
  scratch.push(root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

const lines = (n: number): string => Array.from({ length: n }, (_, i) => `// line ${i + 1}`).join("\n");

describe("specifiersOf", () => {
  it("finds static, type-only, re-export, side-effect and dynamic imports when each is present", () => {
    // Prepare
    const source = [
      'import { a } from "./a";',
      'import type { B } from "./b";',
      "import {",
      "  type C,",
      "  d,",
      '} from "./c";',
      'export { e } from "./e";',
      'export * from "./f";',
      'import "./g";',
      'const h = await import("./h");',
      ' * import { x } from "./in-a-comment";',
    ].join("\n");

    // Act
    const found = specifiersOf(source);

    // Assert
    expect(found.sort()).toEqual(["./a", "./b", "./c", "./e", "./f", "./g", "./h"]);
  });
});

describe("importCycles", () => {
  it("names each file of a cycle when two files import each other through type and index imports", () => {
    // Prepare
    const root = repo({
      "packages/core/src/a.ts": 'import type { B } from "./b";\nexport type A = B;\n',
      "packages/core/src/b/index.ts": 'import { a } from "../a.js";\nexport type B = typeof a;\n',
      "packages/core/src/c.ts": 'import type { A } from "./a";\n',
    });

    // Act
    const cycles = importCycles(root);

    // Assert
    expect(cycles).toEqual([
      "packages/core/src/a.ts → packages/core/src/b/index.ts → packages/core/src/a.ts (files in the cycle: packages/core/src/a.ts, packages/core/src/b/index.ts)",
    ]);
  });

  it("names the loop when two workspace packages import each other through their entry points", () => {
    // Prepare
    const manifest = (name: string): string => JSON.stringify({ name, exports: { ".": "./src/index.ts" } });
    const root = repo({
      "packages/aws/package.json": manifest("@sluice/aws"),
      "packages/aws/src/index.ts": 'export { store } from "./store";\n',
      "packages/aws/src/store.ts":
        'import { handler } from "@sluice/lambda";\nexport const store = handler;\n',
      "packages/lambda/package.json": manifest("@sluice/lambda"),
      "packages/lambda/src/index.ts": 'import { store } from "@sluice/aws";\nexport const handler = store;\n',
    });

    // Act
    const cycles = importCycles(root);

    // Assert
    expect(cycles).toEqual([
      "packages/aws/src/index.ts → packages/aws/src/store.ts → packages/lambda/src/index.ts → packages/aws/src/index.ts (files in the cycle: packages/aws/src/index.ts, packages/aws/src/store.ts, packages/lambda/src/index.ts)",
    ]);
  });

  it("reports nothing when imports form a tree", () => {
    // Prepare
    const root = repo({
      "packages/aws/src/a.ts": 'import { b } from "./b";\nimport { c } from "./c";\n',
      "packages/aws/src/b.ts": 'import { c } from "./c";\n',
      "packages/aws/src/c.ts": "export const c = 1;\n",
    });

    // Act / Assert
    expect(importCycles(root)).toEqual([]);
  });
});

describe("starExports", () => {
  it("reports the file and line when a package re-exports with `export *`", () => {
    // Prepare
    const root = repo({
      "packages/api/src/index.ts":
        '/** Not `export * from` in a comment. */\nexport { a } from "./a";\nexport * from "./b";\n',
    });

    // Act / Assert
    expect(starExports(root)).toEqual(['packages/api/src/index.ts:3: export * from "./b";']);
  });
});

describe("importsOfFunctions", () => {
  it("reports the import when a package file reaches into functions/", () => {
    // Prepare: the specifier is assembled so that import-rewriting scripts run during moves leave it alone.
    const intoFunctions = ["..", "..", "..", "functions", "ingest"].join("/");
    const root = repo({
      "functions/ingest.ts": "export const handler = () => {};\n",
      "packages/cli/src/local-stack.ts": `import { handler } from "${intoFunctions}";\n`,
      "packages/cli/src/functions.ts": "export const f = 1;\n",
      "packages/cli/src/main.ts": 'import { f } from "./functions";\n',
    });

    // Act / Assert
    expect(importsOfFunctions(root)).toEqual(["packages/cli/src/local-stack.ts: ../../../functions/ingest"]);
  });
});

describe("importsPastPackageEntry", () => {
  it("reports a relative path into another package and a deep @sluice import, but not the package's own files", () => {
    // Prepare: specifiers assembled so that import-rewriting scripts run during moves leave them alone.
    const intoAws = ["..", "..", "..", "aws", "src", "job-ids"].join("/");
    const deep = ["@sluice", "core", "src", "keys"].join("/");
    const root = repo({
      "packages/aws/src/job-ids.ts": "export const newJobIds = () => [];\n",
      "packages/api/src/routes/reconcile.ts": `import { newJobIds } from "${intoAws}";\nimport { a } from "../a";\n`,
      "packages/api/src/a.ts": `import { k } from "${deep}";\nimport { c } from "@sluice/core";\n`,
    });

    // Act / Assert
    expect(importsPastPackageEntry(root)).toEqual([
      "packages/api/src/a.ts: @sluice/core/src/keys",
      `packages/api/src/routes/reconcile.ts: ${intoAws}`,
    ]);
  });
});

describe("exportedNames", () => {
  it("lists every exported name when exports are declared, listed, defaulted or starred", () => {
    // Prepare
    const source = [
      "export const handler = make();",
      "export async function run() {}",
      "export type { X, Y as Z };",
      "export default run;",
      'export * from "./w";',
    ].join("\n");

    // Act / Assert
    expect(exportedNames(source)).toEqual(["handler", "run", "X", "Z", "default", "*"]);
  });
});

describe("nonEntryPoints", () => {
  it("reports a file of 41 lines and a file exporting more than handler", () => {
    // Prepare
    const root = repo({
      "functions/ok.ts": `${lines(39)}\nexport const handler = make();\n`,
      "functions/long.ts": `${lines(40)}\nexport const handler = make();\n`,
      "functions/factory.ts": "export function createHandler() {}\nexport const handler = createHandler();\n",
      "functions/notes.md": "# not code\n",
    });

    // Act / Assert
    expect(nonEntryPoints(root, 40)).toEqual([
      "functions/factory.ts: exports createHandler, handler (an entry point exports handler only)",
      "functions/long.ts: 41 lines (at most 40)",
      "functions/notes.md: not a TypeScript entry point",
    ]);
  });
});

describe("filesAtRoot", () => {
  it("counts the files at a directory's root but not those in its folders", () => {
    // Prepare
    const root = repo({ "src/index.ts": "", "src/errors.ts": "", "src/keys/record-key.ts": "" });

    // Act / Assert
    expect(filesAtRoot(join(root, "src"))).toEqual(["errors.ts", "index.ts"]);
  });
});
