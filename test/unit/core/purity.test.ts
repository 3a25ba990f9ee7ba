import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { codeFilesUnder } from "../../helpers/source-graph";

const CORE_SRC = resolve(import.meta.dirname, "../../../packages/core/src");
const CORE_ENTRY = join(CORE_SRC, "index.ts");

/** Removes comments and string contents so that words inside them are not mistaken for code. */
function stripCommentsAndStrings(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/(^|[^:\\])\/\/.*$/gm, "$1")
    .replace(/`(?:\\.|[^`\\])*`/g, "``")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''");
}

const SPECIFIER =
  /(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s*["']([^"']+)["']/g;

function specifiersOf(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (existsSync(candidate) && candidate.endsWith(".ts")) return candidate;
  }
  throw new Error(`cannot resolve ${specifier} from ${from}`);
}

/**
 * Reads every source file under a directory, reachable from the entry point or not (a file nothing imports today
 * is one import away from production); returns each file and every bare import.
 */
function readCore(directory: string): { files: Map<string, string>; bare: Set<string> } {
  const files = new Map<string, string>();
  const bare = new Set<string>();
  for (const file of codeFilesUnder(directory)) {
    const source = readFileSync(file, "utf8");
    files.set(file, source);
    for (const specifier of specifiersOf(source)) if (!specifier.startsWith(".")) bare.add(specifier);
  }
  return { files, bare };
}

/** The files an entry point reaches through relative imports, to show the directory walk misses none of them. */
function walkCore(entry: string): { files: Map<string, string>; bare: Set<string> } {
  const files = new Map<string, string>();
  const bare = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() ?? "";
    if (files.has(file)) continue;
    const source = readFileSync(file, "utf8");
    files.set(file, source);
    for (const specifier of specifiersOf(source)) {
      if (specifier.startsWith(".")) queue.push(resolveRelative(file, specifier));
      else bare.add(specifier);
    }
  }
  return { files, bare };
}

const FORBIDDEN_CODE: [RegExp, string][] = [
  [/\bprocess\s*\.\s*env\b/, "process.env"],
  [/\bprocess\s*\[/, "process[...]"],
  [/(?<![.\w$])Date\b/, "Date"],
  [/\bMath\s*\.\s*random\b/, "Math.random"],
  [/\bperformance\s*\.\s*now\b/, "performance.now"],
  [/\bcrypto\s*\.\s*(randomUUID|getRandomValues|randomBytes)\b/, "random bytes"],
  [/\brandom(UUID|Bytes|Int)\b/, "random bytes"],
];

function violationsIn(source: string): string[] {
  const code = stripCommentsAndStrings(source);
  return FORBIDDEN_CODE.filter(([pattern]) => pattern.test(code)).map(([, name]) => name);
}

/** The violations `readCore` finds in each file of a directory, as "file: violation". */
function violationsUnder(directory: string): string[] {
  return [...readCore(directory).files].flatMap(([file, source]) =>
    violationsIn(source).map((v) => `${file}: ${v}`),
  );
}

describe("packages/core", () => {
  const { files, bare } = readCore(CORE_SRC);

  it("checks every module the entry point reaches when it reads the whole directory", () => {
    const reachable = [...walkCore(CORE_ENTRY).files.keys()];
    expect(reachable.length).toBeGreaterThan(0);
    expect(reachable.filter((file) => !files.has(file))).toEqual([]);
  });

  it("imports nothing from the AWS SDK", () => {
    const aws = [...bare].filter(
      (s) => s.startsWith("@aws-sdk/") || s.startsWith("@smithy/") || s === "aws-sdk",
    );
    expect(aws).toEqual([]);
  });

  it("never reads the environment, the clock or randomness", () => {
    expect(violationsUnder(CORE_SRC)).toEqual([]);
  });

  it("reports a file that calls Date.now() when nothing imports it", () => {
    // Prepare: an entry point that imports a pure module, and an unreachable module that reads the clock.
    const root = mkdtempSync(join(tmpdir(), "sluice-purity-"));
    try {
      mkdirSync(join(root, "jobs"));
      writeFileSync(join(root, "index.ts"), 'export { pure } from "./pure";\n');
      writeFileSync(join(root, "pure.ts"), "export const pure = 1;\n");
      writeFileSync(join(root, "jobs", "unreachable.ts"), "export const now = () => Date.now();\n");

      // Act
      const found = violationsUnder(root);

      // Assert
      expect(found).toEqual([`${join(root, "jobs", "unreachable.ts")}: Date`]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("detects each forbidden use when it is present", () => {
    expect(violationsIn("const t = Date.now();")).toEqual(["Date"]);
    expect(violationsIn("const d = new Date(0);")).toEqual(["Date"]);
    expect(violationsIn("const r = Math.random();")).toEqual(["Math.random"]);
    expect(violationsIn("const e = process.env.X;")).toEqual(["process.env"]);
    expect(violationsIn('import { randomUUID } from "node:crypto";')).toEqual(["random bytes"]);
    expect(violationsIn("// Date.now() in a comment\nconst s = 'Math.random()';")).toEqual([]);
    expect(specifiersOf('import { S3Client } from "@aws-sdk/client-s3";')).toEqual(["@aws-sdk/client-s3"]);
    expect(
      specifiersOf('export { x } from "./x";\nconst m = await import("@aws-sdk/lib-dynamodb");'),
    ).toEqual(["./x", "@aws-sdk/lib-dynamodb"]);
  });
});
