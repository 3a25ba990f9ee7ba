import { describe, expect, it } from "vitest";
import {
  type EncordSchema,
  InvalidInputError,
  pushSchema,
  setSchema,
} from "../../../../packages/core/src/index";
import { createMemorySchemaStore } from "../../../helpers/fakes";

const varchar = { ty: "variant", hint: "varchar" } as const;
const number = { ty: "variant", hint: "number" } as const;

/** Encord's schema map in memory, counting the writes it receives. */
function createMemoryEncordSchema(initial: Record<string, unknown> | null) {
  const state = { map: initial, writes: 0 };
  const encord: EncordSchema = {
    async get() {
      return state.map;
    },
    async put(map) {
      state.map = map;
      state.writes += 1;
    },
  };
  return Object.assign(encord, { state });
}

describe("setSchema", () => {
  it("puts the parsed schema in force and answers it when the candidate is valid", async () => {
    const schemas = createMemorySchemaStore();

    const schema = await setSchema({ schemas }, { camera: varchar });

    expect(schema).toEqual({ camera: varchar });
    expect(await schemas.get()).toEqual({ camera: varchar });
  });

  it("throws InvalidInputError naming each bad key and keeps the schema in force when the candidate is invalid", async () => {
    const schemas = createMemorySchemaStore();
    await schemas.put({ camera: varchar });

    const set = setSchema({ schemas }, { night: { ty: "nope" }, site: number });

    await expect(set).rejects.toBeInstanceOf(InvalidInputError);
    await expect(set).rejects.toMatchObject({
      message: "the metadata schema is invalid",
      problems: [{ path: "night.ty" }],
    });
    expect(await schemas.get()).toEqual({ camera: varchar });
  });
});

describe("pushSchema", () => {
  it("puts the schema in force and writes Encord's map with removed keys as tombstones when it changes", async () => {
    const schemas = createMemorySchemaStore();
    const encord = createMemoryEncordSchema({ site: number });

    const result = await pushSchema({ schemas, encord }, { camera: varchar }, { dryRun: false });

    expect(result).toEqual({
      schema: { camera: varchar },
      diff: { added: ["camera"], changed: [], removed: ["site"], unchanged: 0 },
      pushed: true,
    });
    expect(await schemas.get()).toEqual({ camera: varchar });
    expect(encord.state.map).toEqual({ camera: varchar, site: { ty: "tombstone", deleted_ty: number } });
  });

  it("answers the diff and writes nothing anywhere when it is a dry run", async () => {
    const schemas = createMemorySchemaStore();
    const encord = createMemoryEncordSchema(null);

    const result = await pushSchema({ schemas, encord }, { camera: varchar }, { dryRun: true });

    expect(result.pushed).toBe(false);
    expect(result.diff.added).toEqual(["camera"]);
    expect(await schemas.get()).toBeNull();
    expect(encord.state.writes).toBe(0);
  });

  it("puts the schema in force but does not write Encord's map when nothing in it changes", async () => {
    const schemas = createMemorySchemaStore();
    const encord = createMemoryEncordSchema({ camera: varchar });

    const result = await pushSchema({ schemas, encord }, { camera: varchar }, { dryRun: false });

    expect(result.pushed).toBe(false);
    expect(await schemas.get()).toEqual({ camera: varchar });
    expect(encord.state.writes).toBe(0);
  });

  it("throws InvalidInputError naming each key and writes nothing anywhere when Encord forbids a retype", async () => {
    const schemas = createMemorySchemaStore();
    const encord = createMemoryEncordSchema({ camera: varchar });

    const push = pushSchema(
      { schemas, encord },
      { camera: { ty: "enum", values: ["x"] } },
      { dryRun: false },
    );

    await expect(push).rejects.toBeInstanceOf(InvalidInputError);
    await expect(push).rejects.toMatchObject({ problems: [{ path: "camera" }] });
    expect(await schemas.get()).toBeNull();
    expect(encord.state.writes).toBe(0);
  });
});
