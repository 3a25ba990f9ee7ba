/** File name of a folder defaults file (design.md "Folder defaults"). */
export const DEFAULTS_FILE_NAME = "_defaults.json";

/** File name of a group manifest (design.md "Groups"). */
export const GROUP_MANIFEST_FILE_NAME = "_group.json";

/** The sidecar suffixes in force unless configured: Encord's own cloud-synced folder convention. */
export const DEFAULT_SIDECAR_SUFFIXES: readonly string[] = [".metadata.json"];

/** The role of a key in a bucket; `prefix` is the folder with its trailing slash ("" at the root). */
export type KeyRole =
  | { kind: "defaults"; prefix: string }
  | { kind: "group-manifest"; prefix: string }
  | { kind: "sidecar"; dataKey: string; suffix: string }
  | { kind: "data" };

/**
 * Tells what a key is: folder defaults, a group manifest, the sidecar of another key (the
 * longest matching suffix decides, so `a.mp4.metadata.json` belongs to `a.mp4` even with `.json`
 * on), or a data object.
 */
export function classifyKey(key: string, suffixes: readonly string[]): KeyRole {
  const slash = key.lastIndexOf("/");
  const name = key.slice(slash + 1);
  const prefix = key.slice(0, slash + 1);
  if (name === DEFAULTS_FILE_NAME) return { kind: "defaults", prefix };
  if (name === GROUP_MANIFEST_FILE_NAME) return { kind: "group-manifest", prefix };
  let best: string | undefined;
  for (const suffix of suffixes) {
    // The file name must keep something before the suffix: "a/.metadata.json" is a hidden data file.
    if (suffix === "" || !name.endsWith(suffix) || name.length === suffix.length) continue;
    if (best === undefined || suffix.length > best.length) best = suffix;
  }
  if (best === undefined) return { kind: "data" };
  return { kind: "sidecar", dataKey: key.slice(0, key.length - best.length), suffix: best };
}

/** The keys a data object's sidecar may have, in suffix order (the first one found wins). */
export function sidecarKeysFor(dataKey: string, suffixes: readonly string[]): string[] {
  return suffixes.map((suffix) => `${dataKey}${suffix}`);
}

/** The `_defaults.json` keys that apply to a key, from the bucket root down to its own folder. */
export function defaultsKeysFor(dataKey: string): string[] {
  const keys = [DEFAULTS_FILE_NAME];
  for (let slash = dataKey.indexOf("/"); slash !== -1; slash = dataKey.indexOf("/", slash + 1)) {
    keys.push(`${dataKey.slice(0, slash + 1)}${DEFAULTS_FILE_NAME}`);
  }
  return keys;
}

/** The parsed sidecar suffix setting, or one line naming every problem with it. */
export type SidecarSuffixesResult = { ok: true; suffixes: string[] } | { ok: false; error: string };

/**
 * Parses a sidecar suffix list (`SIDECAR_SUFFIXES=.metadata.json,.json`, or the values of a
 * repeated CLI flag): each suffix starts with "." and has a name after it; order is kept,
 * repeats are dropped, and empty items (a trailing comma) are skipped.
 */
export function parseSidecarSuffixes(list: string | readonly string[]): SidecarSuffixesResult {
  const items = (typeof list === "string" ? list.split(",") : list.flatMap((item) => item.split(",")))
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const problems = items.flatMap((item) => {
    const problem = suffixProblem(item);
    return problem ? [`sidecar suffix "${item}" ${problem}`] : [];
  });
  if (items.length === 0) problems.push("the sidecar suffix list is empty");
  return problems.length > 0
    ? { ok: false, error: problems.join("; ") }
    : { ok: true, suffixes: [...new Set(items)] };
}

function suffixProblem(suffix: string): string | undefined {
  if (!suffix.startsWith(".")) return 'must start with "." (for example ".metadata.json")';
  if (suffix === ".") return 'needs a name after the "."';
  if (suffix.includes("/")) return 'must not contain "/": a sidecar sits beside its data object';
  if (/\s/.test(suffix)) return "must not contain spaces";
  return undefined;
}
