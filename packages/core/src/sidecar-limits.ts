/** How deeply a sidecar or defaults file may nest objects and arrays; deeper values overflow the stack of JSON.stringify downstream. */
export const MAX_METADATA_DEPTH = 64;

/** Why a parsed metadata value cannot be kept, with the JSON path where it was found. */
export type MetadataLimitProblem = { kind: "too-deep" | "non-finite"; path: string };

/**
 * Walks a parsed JSON value without recursion and finds the first value nested deeper than
 * `MAX_METADATA_DEPTH` or a number JSON.parse turned into ±Infinity (`1e400`), which JSON.stringify
 * would write back as `null`; either would break a record long after the file was accepted.
 */
export function findMetadataLimitProblem(value: unknown): MetadataLimitProblem | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: "" }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: current, depth, path } = next;
    if (typeof current === "number" && !Number.isFinite(current)) return { kind: "non-finite", path };
    if (typeof current !== "object" || current === null) continue;
    if (depth >= MAX_METADATA_DEPTH) return { kind: "too-deep", path };
    const entries = Array.isArray(current)
      ? current.map((v, i) => [String(i), v] as const)
      : Object.entries(current);
    for (const [name, child] of entries) {
      stack.push({ value: child, depth: depth + 1, path: path === "" ? name : `${path}.${name}` });
    }
  }
  return null;
}
