import { describe, expect, it } from "vitest";
import { isEmptySchemaDiff, type MetadataSchema, planSchemaPush } from "../../../../packages/core/src/index";

const varchar = { ty: "variant", hint: "varchar" } as const;
const number = { ty: "variant", hint: "number" } as const;

describe("planSchemaPush", () => {
  it("adds every key when Encord has no schema yet", () => {
    const next: MetadataSchema = { camera: varchar };

    const plan = planSchemaPush(next, null);

    expect(plan).toEqual({
      ok: true,
      diff: { added: ["camera"], changed: [], removed: [], unchanged: 0 },
      merged: { camera: varchar },
    });
  });

  it("tombstones a live key Sluice lacks, holding its old type, and keeps an existing tombstone as it is", () => {
    const gone = { ty: "tombstone", deleted_ty: null };

    const plan = planSchemaPush({ camera: varchar }, { camera: varchar, site: number, old: gone });

    expect(plan).toEqual({
      ok: true,
      diff: { added: [], changed: [], removed: ["site"], unchanged: 2 },
      merged: { camera: varchar, site: { ty: "tombstone", deleted_ty: number }, old: gone },
    });
  });

  it("allows variant → variant and appended enum values when the key exists", () => {
    const current = { camera: varchar, tag: { ty: "enum", values: ["b", "a"] } };
    const next: MetadataSchema = { camera: number, tag: { ty: "enum", values: ["a", "b", "c"] } };

    const plan = planSchemaPush(next, current);

    expect(plan.ok && plan.diff.changed.map((change) => change.key)).toEqual(["camera", "tag"]);
    expect(plan.ok && plan.merged).toEqual(next);
  });

  it("refuses a retype Encord forbids, listing each key, when an existing live key changes kind", () => {
    const current = {
      camera: varchar,
      tag: { ty: "enum", values: ["a", "b"] },
      size: { ty: "embedding", size: 3 },
    };
    const next: MetadataSchema = {
      camera: { ty: "enum", values: ["x"] },
      tag: { ty: "enum", values: ["a"] },
      size: { ty: "embedding", size: 4 },
    };

    const plan = planSchemaPush(next, current);

    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.forbidden.map((change) => change.key)).toEqual(["camera", "tag", "size"]);
  });

  it("counts a type as unchanged when Encord adds null fields or sorts enum values", () => {
    const current = { v: { ty: "embedding", size: 3, api: null }, tag: { ty: "enum", values: ["a", "b"] } };
    const next: MetadataSchema = { v: { ty: "embedding", size: 3 }, tag: { ty: "enum", values: ["b", "a"] } };

    const plan = planSchemaPush(next, current);

    expect(plan.ok && plan.diff).toEqual({ added: [], changed: [], removed: [], unchanged: 2 });
  });

  it("restores a soft-deleted key to a type its old one may become, but never a hard-deleted one", () => {
    const current = {
      soft: { ty: "tombstone", deleted_ty: varchar },
      hard: { ty: "tombstone", deleted_ty: null },
    };

    const restored = planSchemaPush({ soft: number }, { soft: current.soft });
    const revived = planSchemaPush({ hard: number }, current);

    expect(restored.ok && restored.merged).toEqual({ soft: number });
    expect(!revived.ok && revived.forbidden.map((change) => change.key)).toEqual(["hard"]);
  });

  it("accepts an explicit tombstone in Sluice's schema when the key is live in Encord", () => {
    const plan = planSchemaPush({ site: { ty: "tombstone", deleted_ty: number } }, { site: number });

    expect(plan.ok && plan.diff.changed).toEqual([
      { key: "site", from: number, to: { ty: "tombstone", deleted_ty: number } },
    ]);
  });
});

describe("isEmptySchemaDiff", () => {
  it("is true only when nothing is added, changed or removed", () => {
    const empty = { added: [], changed: [], removed: [], unchanged: 4 };

    const results = [isEmptySchemaDiff(empty), isEmptySchemaDiff({ ...empty, removed: ["a"] })];

    expect(results).toEqual([true, false]);
  });
});
