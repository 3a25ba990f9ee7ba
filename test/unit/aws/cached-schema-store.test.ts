import { describe, expect, it } from "vitest";
import { createCachedSchemaStore } from "../../../packages/aws/src/cached-schema-store";
import type { MetadataSchema } from "../../../packages/core/src/metadata/schema";
import type { SchemaStore } from "../../../packages/core/src/ports/schema-store";

const SITE: MetadataSchema = { site: { ty: "text" } };
const CAMERA: MetadataSchema = { camera: { ty: "text" } };

/** A schema store that counts its reads and fails the next one when told to. */
function countingStore(initial: MetadataSchema | null) {
  let schema = initial;
  let failNext = false;
  const counts = { reads: 0 };
  const store: SchemaStore = {
    async get() {
      counts.reads += 1;
      if (failNext) {
        failNext = false;
        throw new Error("throttled");
      }
      return schema;
    },
    async put(next) {
      schema = next;
    },
  };
  return { store, counts, failNextRead: () => (failNext = true) };
}

describe("createCachedSchemaStore", () => {
  it("reads the store once when derivations ask again within the time to live", async () => {
    // Prepare
    const { store, counts } = countingStore(SITE);
    let now = 0;
    const cached = createCachedSchemaStore(store, 2_000, () => now);

    // Act
    const first = await cached.get();
    now = 2_000;
    const second = await cached.get();

    // Assert
    expect([first, second]).toEqual([SITE, SITE]);
    expect(counts.reads).toBe(1);
  });

  it("reads the store again when the time to live has passed", async () => {
    // Prepare
    const { store, counts } = countingStore(SITE);
    let now = 0;
    const cached = createCachedSchemaStore(store, 2_000, () => now);
    await cached.get();
    await store.put(CAMERA);

    // Act
    now = 2_001;
    const read = await cached.get();

    // Assert
    expect(read).toEqual(CAMERA);
    expect(counts.reads).toBe(2);
  });

  it("asks the store again when the read it cached failed", async () => {
    // Prepare
    const { store, counts, failNextRead } = countingStore(SITE);
    const cached = createCachedSchemaStore(store, 2_000, () => 0);
    failNextRead();
    await expect(cached.get()).rejects.toThrow("throttled");

    // Act
    const read = await cached.get();

    // Assert
    expect(read).toEqual(SITE);
    expect(counts.reads).toBe(2);
  });

  it("sees its own put at once when the schema it cached is replaced", async () => {
    // Prepare
    const { store } = countingStore(SITE);
    const cached = createCachedSchemaStore(store, 2_000, () => 0);
    await cached.get();

    // Act
    await cached.put(CAMERA);

    // Assert
    expect(await cached.get()).toEqual(CAMERA);
  });
});
