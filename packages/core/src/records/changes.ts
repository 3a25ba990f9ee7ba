import { stableStringify } from "../json";
import type { SluiceRecord } from "./record";

// Fields a reader asks "which key?" of: named one level down (`clientMetadata.site`, `mediaMetadata.fps`).
const NAMED_BY_KEY = new Set(["clientMetadata", "mediaMetadata", "provenance"]);

// What changes on every write, or is not derived from storage (as `sameContent` leaves them out).
const NOT_CONTENT = new Set(["updatedAt", "export", "revision", "sequencers"]);

/**
 * The fields a new derivation changes of a record, sorted: top-level names, and for `clientMetadata`,
 * `mediaMetadata` and `provenance` each key that changed (`clientMetadata.site`). Empty when the two have
 * the same content; a reimport's dry run shows it per key it would update.
 */
export function changedFields(before: SluiceRecord, after: SluiceRecord): string[] {
  const changed: string[] = [];
  for (const name of union(before, after)) {
    if (NOT_CONTENT.has(name)) continue;
    const was: unknown = Reflect.get(before, name);
    const is: unknown = Reflect.get(after, name);
    if (stableStringify(was ?? null) === stableStringify(is ?? null)) continue;
    if (!NAMED_BY_KEY.has(name) || !(isMap(was) || isMap(is))) {
      changed.push(name);
      continue;
    }
    const wasMap = isMap(was) ? was : {};
    const isNow = isMap(is) ? is : {};
    for (const key of union(wasMap, isNow)) {
      const samePresence = Object.hasOwn(wasMap, key) === Object.hasOwn(isNow, key);
      if (!samePresence || stableStringify(wasMap[key]) !== stableStringify(isNow[key]))
        changed.push(`${name}.${key}`);
    }
  }
  return changed.sort();
}

function union(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
