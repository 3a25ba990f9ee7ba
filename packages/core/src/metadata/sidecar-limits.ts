/** How deeply a sidecar or defaults file may nest objects and arrays; deeper values overflow the stack of JSON.stringify downstream. */
export const MAX_METADATA_DEPTH = 64;

/**
 * How many JSON values (objects, arrays, strings, numbers, booleans and nulls, each counted once) one
 * sidecar, defaults file, group manifest or API layer may hold. Ordinary metadata spends 7 bytes or
 * more on a value (a key, quotes, digits), so a full 10 MB file of it stays under a million: an hour of
 * per-frame `$encord` metadata at 30 fps with a keyframe flag, a label and a score is 540,000 values in
 * 7.2 MB. Only packing values at 2 to 4 bytes each (`[0],` or `[],`) goes past it, and that is what
 * made one 6.4 MB sidecar cost a gigabyte: every value costs memory and time on each write and read.
 */
export const MAX_METADATA_NODES = 1_000_000;

/**
 * How many top-level keys one file's or layer's `clientMetadata` may have. Each is a metadata schema
 * key and costs a record three times (the value, its provenance entry, the import entry's copy): an
 * accepted 10 MB sidecar of 830,000 keys made a 46 MB record that took 20 s to write and 10 s and
 * 680 MB to read. Schemas have tens or hundreds of keys; per-frame data belongs in `$encord.frames`.
 */
export const MAX_TOP_LEVEL_KEYS = 10_000;

/** Why a parsed metadata value cannot be kept, with the JSON path where it was found. */
export type MetadataLimitProblem = {
  kind: "too-deep" | "non-finite" | "too-complex" | "too-many-keys";
  path: string;
};

/** A `too-many-keys` problem when `clientMetadata` has more top-level keys than allowed; counts no further. */
export function findTopLevelKeyProblem(clientMetadata: object): MetadataLimitProblem | null {
  let keys = 0;
  for (const key in clientMetadata) {
    if (Object.hasOwn(clientMetadata, key) && ++keys > MAX_TOP_LEVEL_KEYS)
      return { kind: "too-many-keys", path: "" };
  }
  return null;
}

/**
 * An open array or object, the next of its children to visit, and its own name. An object's values
 * are looked up by key: `Object.values` of a wide object (in dictionary mode) costs twice its keys.
 */
type Frame =
  | { items: unknown[]; keys: null; next: number; name: string }
  | { items: object; keys: string[]; next: number; name: string };

/**
 * Walks a parsed JSON value without recursion and finds the first value nested deeper than
 * `MAX_METADATA_DEPTH`, a number JSON.parse turned into ±Infinity (`1e400`), which JSON.stringify
 * would write back as `null`, or the value past the `MAX_METADATA_NODES` budget; any of them would
 * break a record long after the file was accepted. It stops at the first, so it costs at most the
 * budget, and it keeps only the open containers (at most 64), building a path only for the answer.
 */
export function findMetadataLimitProblem(value: unknown): MetadataLimitProblem | null {
  const stack: Frame[] = [];
  const pathTo = (name: string) => [...stack.slice(1).map((f) => f.name), name].join(".");
  let nodes = 0;
  let current: unknown = value;
  let name = "";
  let visit = true;
  for (;;) {
    if (visit) {
      nodes++;
      if (nodes > MAX_METADATA_NODES) return { kind: "too-complex", path: pathTo(name) };
      if (typeof current === "number" && !Number.isFinite(current)) {
        return { kind: "non-finite", path: pathTo(name) };
      }
      if (typeof current === "object" && current !== null) {
        if (stack.length >= MAX_METADATA_DEPTH) return { kind: "too-deep", path: pathTo(name) };
        stack.push(
          Array.isArray(current)
            ? { items: current, keys: null, next: 0, name }
            : { items: current, keys: Object.keys(current), next: 0, name },
        );
      }
    }
    const top = stack.at(-1);
    if (top === undefined) return null;
    const index = top.next++;
    if (top.keys === null) {
      visit = index < top.items.length;
      name = String(index);
      current = top.items[index];
    } else {
      visit = index < top.keys.length;
      name = top.keys[index] ?? "";
      current = Reflect.get(top.items, name);
    }
    if (!visit) stack.pop();
  }
}

/**
 * Tells whether a text holds more JSON values than `budget`, counting without parsing and stopping there:
 * `JSON.parse` of 10 MB of `[],` would allocate 300 MB before any walk could refuse it. A value is
 * the root, one per comma and one for the first element of each non-empty array or object, so only
 * commas, brackets and strings are looked at. The figure is exact for valid JSON; invalid JSON
 * within the budget is left for `JSON.parse` to reject with its own message.
 */
export function exceedsValueBudget(text: string, budget = MAX_METADATA_NODES): boolean {
  let count = 1;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // Skip the string; an escaped quote never ends it.
      for (i++; i < text.length; i++) {
        const inner = text.charCodeAt(i);
        if (inner === 0x5c) i++;
        else if (inner === 0x22) break;
      }
    } else if (code === 0x2c) {
      count++;
    } else if (code === 0x5d || code === 0x7d) {
      // `]` or `}` right after its opener: the element counted at the opener was not there.
      if (last === 0x5b || last === 0x7b) count--;
    } else if (code === 0x5b || code === 0x7b) {
      count++;
    } else if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) {
      continue;
    }
    // A `[` or `{` counts its first element ahead of time, so the count runs at most one over.
    if (count - 1 > budget) return true;
    last = code;
  }
  return count > budget;
}

/** The error code's suffix (`<kind>-invalid`, `<kind>-too-complex`) and the words for a limit problem. */
export function describeLimitProblem(problem: MetadataLimitProblem): {
  suffix: "invalid" | "too-complex";
  message: string;
} {
  const at = problem.path === "" ? "" : ` at ${problem.path}`;
  if (problem.kind === "too-deep") {
    return {
      suffix: "invalid",
      message: `nests objects and arrays deeper than ${MAX_METADATA_DEPTH} levels (at ${problem.path})`,
    };
  }
  if (problem.kind === "non-finite") {
    return { suffix: "invalid", message: `has a number too large for a 64-bit float${at}` };
  }
  if (problem.kind === "too-many-keys") {
    return {
      suffix: "too-complex",
      message: `has more than ${thousands(MAX_TOP_LEVEL_KEYS)} top-level keys in its clientMetadata: each is a metadata schema key with its own provenance; per-frame data belongs in $encord.frames`,
    };
  }
  const budget = thousands(MAX_METADATA_NODES);
  return {
    suffix: "too-complex",
    message: `holds more than ${budget} JSON values${problem.path === "" ? "" : ` (the budget ran out at ${problem.path})`}: each object, array, string, number, boolean and null counts one, and the budget keeps every record cheap to store and read`,
  };
}

function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+$)/g, ",");
}
