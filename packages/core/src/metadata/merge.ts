import { isJsonObject, type Json, type JsonObject } from "../json";
import { compareKeys } from "../keys/compare-keys";

/** One source of `clientMetadata`: a `_defaults.json`, a sidecar or the API layer, named by `source`. */
export interface MetadataLayer {
  source: string;
  metadata: JsonObject;
}

/** Merged `clientMetadata` and, for each top-level key, the source that set it. */
export interface MergedMetadata {
  clientMetadata: JsonObject;
  provenance: Record<string, string>;
}

interface Contribution {
  value: Json;
  source: string;
}

/** `$encord` as merged so far: a non-object value replaces it whole; an object merges its parts. */
type EncordState =
  | { kind: "whole"; contribution: Contribution }
  | { kind: "parts"; source: string; parts: Map<string, Contribution[]> };

const ENCORD = "$encord";
/** The `$encord` parts that merge one level deeper; any other part is replaced whole. */
const DEEP_PARTS = new Set(["config", "frames"]);

/**
 * Merges metadata layers given lowest precedence first (root defaults … nearest defaults, sidecar,
 * API): per top-level key the higher layer replaces the value whole, except `$encord`, whose `config`
 * and `frames` merge one level deeper (design.md "Folder defaults"). Keys come out sorted.
 */
export function mergeMetadata(layers: readonly MetadataLayer[]): MergedMetadata {
  const values = new Map<string, Json>();
  const provenance = new Map<string, string>();
  let encord: EncordState | undefined;
  for (const { source, metadata } of layers) {
    for (const [key, value] of Object.entries(metadata)) {
      if (key === ENCORD) {
        encord = mergeEncord(encord, { value, source });
      } else {
        values.set(key, value);
        provenance.set(key, source);
      }
    }
  }
  if (encord?.kind === "whole") {
    values.set(ENCORD, encord.contribution.value);
    provenance.set(ENCORD, encord.contribution.source);
  } else if (encord) {
    const merged = new Map<string, Json>();
    for (const [part, contributions] of encord.parts) {
      merged.set(part, mergePart(part, contributions));
      const nearest = contributions.at(-1);
      if (nearest && DEEP_PARTS.has(part)) provenance.set(`${ENCORD}.${part}`, nearest.source);
    }
    values.set(ENCORD, sortedObject(merged));
    provenance.set(ENCORD, encord.source);
  }
  // A copy, so that records never share objects with cached defaults or with each other.
  return { clientMetadata: structuredClone(sortedObject(values)), provenance: sortedObject(provenance) };
}

function mergeEncord(state: EncordState | undefined, next: Contribution): EncordState {
  if (!isJsonObject(next.value)) return { kind: "whole", contribution: next };
  const parts = state?.kind === "parts" ? state.parts : new Map<string, Contribution[]>();
  for (const [part, value] of Object.entries(next.value)) {
    const earlier = parts.get(part) ?? [];
    const contribution = { value, source: next.source };
    // A value that cannot merge (a non-object config, frames of the wrong shape) replaces the
    // part whole, and so does a mergeable value laid over one that cannot merge.
    const merges =
      DEEP_PARTS.has(part) && canMerge(part, value) && earlier.every((c) => canMerge(part, c.value));
    parts.set(part, merges ? [...earlier, contribution] : [contribution]);
  }
  return { kind: "parts", source: next.source, parts };
}

function isFrameList(value: Json): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === "number");
}

function canMerge(part: string, value: Json): boolean {
  return isJsonObject(value) || (part === "frames" && isFrameList(value));
}

/**
 * Merges the contributions to one `$encord` part. One contribution is kept as given, so a lone
 * list-form `frames` stays a list; several lists give their sorted union; otherwise list-form
 * frames are read as `{ "<n>": {} }` and merged per frame key, the higher layer winning each frame.
 */
function mergePart(part: string, contributions: readonly Contribution[]): Json {
  const [only] = contributions;
  if (contributions.length === 1 && only) return only.value;
  const values = contributions.map((c) => c.value);
  const lists = values.filter(isFrameList);
  if (part === "frames" && lists.length === values.length) {
    return [...new Set(lists.flat())].sort((a, b) => a - b);
  }
  const merged = new Map<string, Json>();
  for (const value of values) {
    const entries = isFrameList(value)
      ? value.map((n): [string, Json] => [String(n), {}])
      : Object.entries(isJsonObject(value) ? value : {});
    for (const [key, entry] of entries) merged.set(key, entry);
  }
  return sortedObject(merged);
}

// Sorted by UTF-16 code units; JavaScript still lists integer-like keys ("0", "120") first, in
// numeric order, which is as deterministic. Object.fromEntries defines "__proto__" as an own key
// instead of calling the prototype setter.
function sortedObject<V>(entries: Map<string, V>): Record<string, V> {
  return Object.fromEntries([...entries].sort(([a], [b]) => compareKeys(a, b)));
}
