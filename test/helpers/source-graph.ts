// Reads the repository's layout from the files themselves, for the structure tests (issue 17): every check walks
// directories rather than lists of files, so a file added tomorrow is checked like the ones there today.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const CODE_FILE = /\.(?:[cm]?[jt]sx?)$/;
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".sst", "dist"]);

/** Every file under a directory (recursively, skipping node_modules), as absolute paths in a stable order. */
export function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return SKIPPED_DIRECTORIES.has(entry.name) ? [] : filesUnder(path);
      return [path];
    });
}

/** Every TypeScript or JavaScript source file under a directory, declaration files excepted. */
export function codeFilesUnder(directory: string): string[] {
  return filesUnder(directory).filter((file) => CODE_FILE.test(file) && !file.endsWith(".d.ts"));
}

/** The `src` directory of each workspace package under `<root>/packages`. */
export function packageSources(root: string): string[] {
  const packages = join(root, "packages");
  if (!existsSync(packages)) return [];
  return readdirSync(packages)
    .sort()
    .map((name) => join(packages, name, "src"))
    .filter((src) => existsSync(src) && statSync(src).isDirectory());
}

// Statements start a line, so an import quoted in a TSDoc line (which starts with `*`) is not mistaken for one;
// the clause between the keyword and `from` may hold only names, braces, commas and `*`, so a match cannot run
// on into a function body.
const STATIC_FROM =
  /^[ \t]*(?:import|export)(?![\w$])\s*(?:type(?![\w$])\s*)?[\w\s{},*$]*?\bfrom\s*["']([^"']+)["']/gm;
const SIDE_EFFECT = /^[ \t]*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g;

/** The module specifiers a source imports or re-exports: static, type-only, side-effect and dynamic. */
export function specifiersOf(source: string): string[] {
  return [STATIC_FROM, SIDE_EFFECT, DYNAMIC].flatMap((pattern) =>
    [...source.matchAll(pattern)].map((m) => m[1] ?? ""),
  );
}

/** The file a relative specifier names, as TypeScript's bundler resolution finds it, or null. */
export function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, "index.ts"),
    base.replace(/\.js$/, ".ts"),
  ];
  return candidates.find((c) => CODE_FILE.test(c) && existsSync(c) && statSync(c).isFile()) ?? null;
}

/** Each workspace package's name (`@sluice/core`) and the file its package.json exports as `.`. */
export function workspaceEntries(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const src of packageSources(root)) {
    const path = join(dirname(src), "package.json");
    if (!existsSync(path)) continue;
    const manifest: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof manifest !== "object" || manifest === null || !("name" in manifest)) continue;
    const exports = "exports" in manifest ? manifest.exports : null;
    const exported = typeof exports === "object" && exports !== null && "." in exports ? exports["."] : null;
    if (typeof manifest.name === "string" && typeof exported === "string")
      entries.set(manifest.name, resolve(dirname(src), exported));
  }
  return entries;
}

/**
 * The imports of each file resolved to files: relative ones, and workspace packages to their entry point so that a
 * cycle between packages shows too (unresolvable specifiers are tsc's to report).
 */
export function importGraph(files: string[], packages = new Map<string, string>()): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiersOf(readFileSync(file, "utf8"))
      .map((s) => (s.startsWith(".") ? resolveRelative(file, s) : (packages.get(s) ?? null)))
      .filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected groups of more than one file (or a file importing itself), by Tarjan's algorithm. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) groups.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return groups;
}

/** The shortest import path from a file back to itself inside its group, so a failure names one real loop. */
function loopThrough(start: string, group: Set<string>, graph: Map<string, string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() ?? start;
    for (const w of graph.get(v) ?? []) {
      if (!group.has(w)) continue;
      if (w === start) {
        const between: string[] = [];
        for (let at = v; at !== start; at = cameFrom.get(at) ?? start) between.unshift(at);
        return [start, ...between, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

const display = (root: string, file: string): string => relative(root, file).split(sep).join("/");

/** Each import cycle among `packages/*\/src` files, within or across packages, as "a → b → a (files in the cycle: …)". */
export function importCycles(root: string): string[] {
  const graph = importGraph(packageSources(root).flatMap(codeFilesUnder), workspaceEntries(root));
  return stronglyConnected(graph).map((group) => {
    const [first = ""] = group;
    const loop = loopThrough(first, new Set(group), graph).map((f) => display(root, f));
    return `${loop.join(" → ")} (files in the cycle: ${group.map((f) => display(root, f)).join(", ")})`;
  });
}

/** Each line of the form `export * …` under `packages/*\/src`, as "file:line: text". */
export function starExports(root: string): string[] {
  return packageSources(root)
    .flatMap(codeFilesUnder)
    .flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          /^\s*export\s*\*/.test(line) ? [`${display(root, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
}

/** Each import under `packages/` whose relative path lands in `functions/`, as "file: specifier". */
export function importsOfFunctions(root: string): string[] {
  const functions = join(root, "functions");
  const inFunctions = (path: string): boolean => path === functions || path.startsWith(functions + sep);
  return codeFilesUnder(join(root, "packages")).flatMap((file) =>
    specifiersOf(readFileSync(file, "utf8"))
      .filter((s) => s.startsWith(".") && inFunctions(resolve(dirname(file), s)))
      .map((s) => `${display(root, file)}: ${s}`),
  );
}

/** Each import that reaches into another package past its `index.ts` (a relative path or `@sluice/x/…`), as "file: specifier". */
export function importsPastPackageEntry(root: string): string[] {
  const packages = join(root, "packages");
  const packageOf = (path: string): string | null => {
    const inside = relative(packages, path).split(sep);
    return inside[0] === undefined || inside[0] === ".." || inside.length < 2 ? null : inside[0];
  };
  return codeFilesUnder(packages).flatMap((file) =>
    specifiersOf(readFileSync(file, "utf8"))
      .filter((s) =>
        s.startsWith(".")
          ? (packageOf(resolve(dirname(file), s)) ?? packageOf(file)) !== packageOf(file)
          : /^@sluice\/[^/]+\/./.test(s),
      )
      .map((s) => `${display(root, file)}: ${s}`),
  );
}

const DECLARED =
  /^export\s+(?:declare\s+)?(?:async\s+)?(?:const|let|var|function\s*\*?|abstract\s+class|class|type|interface|enum|namespace)\s+([\w$]+)/;
const LISTED = /^export\s+(?:type\s+)?\{([^}]*)\}/;

/** The names a module exports, read from its `export` statements; `*`, `default` and unknown forms included as such. */
export function exportedNames(source: string): string[] {
  return [...source.matchAll(/^[ \t]*export(?![\w$])/gm)].flatMap((m) => {
    const rest = source.slice((m.index ?? 0) + m[0].length - "export".length);
    if (/^export\s*\*/.test(rest)) return ["*"];
    if (/^export\s+default\b/.test(rest)) return ["default"];
    const declared = DECLARED.exec(rest);
    if (declared) return [declared[1] ?? ""];
    const listed = LISTED.exec(rest);
    if (listed)
      return (listed[1] ?? "")
        .split(",")
        .map((name) => name.trim().split(/\s+/).at(-1) ?? "")
        .filter((name) => name !== "");
    return [rest.split("\n")[0]?.trim() ?? ""];
  });
}

/** The number of lines in a source, not counting the newline that ends the last one. */
export function lineCount(source: string): number {
  const lines = source.split("\n");
  return source.endsWith("\n") ? lines.length - 1 : lines.length;
}

/** Each file in `functions/` that is not an entry point: over `maxLines` lines, or exporting more than `handler`. */
export function nonEntryPoints(root: string, maxLines: number): string[] {
  return filesUnder(join(root, "functions")).flatMap((file) => {
    const name = display(root, file);
    if (!/\.ts$/.test(file) || file.endsWith(".d.ts")) return [`${name}: not a TypeScript entry point`];
    const source = readFileSync(file, "utf8");
    const problems: string[] = [];
    const lines = lineCount(source);
    if (lines > maxLines) problems.push(`${name}: ${lines} lines (at most ${maxLines})`);
    const exported = exportedNames(source);
    if (exported.length !== 1 || exported[0] !== "handler")
      problems.push(
        `${name}: exports ${exported.join(", ") || "nothing"} (an entry point exports handler only)`,
      );
    return problems;
  });
}

/** The files directly in a directory (not in its folders), as names. */
export function filesAtRoot(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}
