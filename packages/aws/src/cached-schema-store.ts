import type { SchemaStore } from "@sluice/core";

/**
 * The schema port with reads cached for `ttlMs`, so that a batch's derivations read the schema once; a
 * change reaches every process within `ttlMs`. A put drops this process's copy, so its own change is seen at once.
 */
export function createCachedSchemaStore(
  store: SchemaStore,
  ttlMs: number,
  nowMs: () => number = Date.now,
): SchemaStore {
  let cached: { at: number; value: ReturnType<SchemaStore["get"]> } | undefined;
  return {
    get() {
      const now = nowMs();
      if (!cached || now - cached.at > ttlMs) {
        const read = { at: now, value: store.get() };
        cached = read;
        // A failed read is not kept: the next derivation asks again.
        read.value.catch(() => {
          if (cached === read) cached = undefined;
        });
      }
      return cached.value;
    },
    async put(schema) {
      await store.put(schema);
      cached = undefined;
    },
  };
}
