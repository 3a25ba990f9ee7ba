// The layout issue 17 asks for, computed from the files: a newcomer can walk the code because these hold.
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  filesAtRoot,
  importCycles,
  importsOfFunctions,
  importsPastPackageEntry,
  nonEntryPoints,
  starExports,
} from "../helpers/source-graph";

const ROOT = resolve(import.meta.dirname, "../..");
const MAX_ENTRY_POINT_LINES = 40;
const MAX_CORE_ROOT_FILES = 8;

describe("packages/*/src", () => {
  it("has no import cycle when relative and type-only imports are both followed", () => {
    expect(importCycles(ROOT)).toEqual([]);
  });

  it("has no `export *` when a package publishes its surface", () => {
    expect(starExports(ROOT)).toEqual([]);
  });
});

describe("packages", () => {
  it("imports nothing from functions/ when code needs a factory, id or helper", () => {
    expect(importsOfFunctions(ROOT)).toEqual([]);
  });

  it("reach another package only through its index.ts when they import each other", () => {
    expect(importsPastPackageEntry(ROOT)).toEqual([]);
  });
});

describe("functions", () => {
  it(`holds only entry points of at most ${MAX_ENTRY_POINT_LINES} lines that export handler alone`, () => {
    expect(nonEntryPoints(ROOT, MAX_ENTRY_POINT_LINES)).toEqual([]);
  });
});

describe("packages/core/src", () => {
  it(`has at most ${MAX_CORE_ROOT_FILES} files at its root when the rest sit in domain folders`, () => {
    const files = filesAtRoot(resolve(ROOT, "packages/core/src"));
    expect(files.length, `files at the core root: ${files.join(", ")}`).toBeLessThanOrEqual(
      MAX_CORE_ROOT_FILES,
    );
  });
});
