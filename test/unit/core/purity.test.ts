import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const CORE_ENTRY = resolve(import.meta.dirname, "../../../packages/core/src/index.ts");

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

/** Walks the import graph of the core from its entry point; returns every file and every bare import. */
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

describe("packages/core", () => {
  const { files, bare } = walkCore(CORE_ENTRY);

  it("reaches every core module from its entry point", () => {
    expect(files.size).toBeGreaterThan(10);
  });

  it("imports nothing from the AWS SDK", () => {
    const aws = [...bare].filter(
      (s) => s.startsWith("@aws-sdk/") || s.startsWith("@smithy/") || s === "aws-sdk",
    );
    expect(aws).toEqual([]);
  });

  it("never reads the environment, the clock or randomness", () => {
    const found = [...files].flatMap(([file, source]) => violationsIn(source).map((v) => `${file}: ${v}`));
    expect(found).toEqual([]);
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
