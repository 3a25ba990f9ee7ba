import { describe, expect, it } from "vitest";
import {
  describeLimitProblem,
  exceedsValueBudget,
  findMetadataLimitProblem,
  findTopLevelKeyProblem,
  MAX_METADATA_DEPTH,
  MAX_METADATA_NODES,
  MAX_TOP_LEVEL_KEYS,
} from "../../../../packages/core/src/metadata/sidecar-limits";

/** `{"a":[0,0,...]}` with `values` JSON values in all: the object, the array and its zeros. */
const zeros = (values: number) => `{"a":[${new Array<string>(values - 2).fill("0").join(",")}]}`;

describe("findMetadataLimitProblem", () => {
  it("accepts a value of exactly the budget and reports too-complex where one more value starts", () => {
    const within = JSON.parse(zeros(MAX_METADATA_NODES));
    const over = JSON.parse(zeros(MAX_METADATA_NODES + 1));

    expect(findMetadataLimitProblem(within)).toBeNull();
    expect(findMetadataLimitProblem(over)).toEqual({
      kind: "too-complex",
      path: `a.${MAX_METADATA_NODES - 2}`,
    });
  });

  it("counts object members, nested containers and scalars alike", () => {
    const value = { a: [{ b: null, c: "x" }, [], true], d: 1.5 };

    // The root, a, the inner object, b, c, the empty array, true and d.
    expect(findMetadataLimitProblem(value)).toBeNull();
    expect(exceedsValueBudget(JSON.stringify(value), 8)).toBe(false);
    expect(exceedsValueBudget(JSON.stringify(value), 7)).toBe(true);
  });

  it("reports too-deep with the path of the first container past the depth limit", () => {
    const within = JSON.parse(
      `{"d":${"[".repeat(MAX_METADATA_DEPTH - 1)}${"]".repeat(MAX_METADATA_DEPTH - 1)}}`,
    );
    const over = JSON.parse(`{"d":${"[".repeat(MAX_METADATA_DEPTH)}${"]".repeat(MAX_METADATA_DEPTH)}}`);

    expect(findMetadataLimitProblem(within)).toBeNull();
    expect(findMetadataLimitProblem(over)).toEqual({
      kind: "too-deep",
      path: ["d", ...new Array<string>(MAX_METADATA_DEPTH - 1).fill("0")].join("."),
    });
  });

  it("reports non-finite with its path when JSON.parse made a number infinite", () => {
    expect(findMetadataLimitProblem(JSON.parse('{"a":{"b":[1,-1e400]}}'))).toEqual({
      kind: "non-finite",
      path: "a.b.1",
    });
  });

  it("walks 100,000 nesting levels without recursion and stops at the limit", () => {
    const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);

    expect(findMetadataLimitProblem(deep)?.kind).toBe("too-deep");
  });
});

describe("findTopLevelKeyProblem", () => {
  it("accepts 10,000 top-level keys and reports too-many-keys at one more", () => {
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

    expect(findTopLevelKeyProblem(keys(MAX_TOP_LEVEL_KEYS))).toBeNull();
    expect(findTopLevelKeyProblem(keys(MAX_TOP_LEVEL_KEYS + 1))).toEqual({ kind: "too-many-keys", path: "" });
    expect(describeLimitProblem({ kind: "too-many-keys", path: "" })).toEqual({
      suffix: "too-complex",
      message: expect.stringMatching(/^has more than 10,000 top-level keys in its clientMetadata/),
    });
  });
});

describe("exceedsValueBudget", () => {
  it("gives the exact value count of valid JSON", () => {
    for (const text of ["0", '""', "[]", "{}", "[[],[0],{}]", '{"a":[1,2],"b":{"c":[]}}', " [ 1 , [ ] ] "]) {
      const count = countValues(JSON.parse(text));

      expect(exceedsValueBudget(text, count), text).toBe(false);
      expect(exceedsValueBudget(text, count - 1), text).toBe(true);
    }
  });

  it("ignores commas, brackets and escaped quotes inside strings", () => {
    const text = JSON.stringify({ a: ',,,[[[{{{"\\"]]]', b: ["x,y", "]"] });

    expect(exceedsValueBudget(text, 5)).toBe(false);
    expect(exceedsValueBudget(text, 4)).toBe(true);
  });

  it("stops early on 10 MB of empty arrays, without parsing them", () => {
    const text = `[${new Array<string>(3_300_000).fill("[]").join(",")}]`;

    expect(exceedsValueBudget(text)).toBe(true);
  });
});

describe("describeLimitProblem", () => {
  it("names the budget and where it ran out for too-complex, and keeps the -invalid code for depth and numbers", () => {
    expect(describeLimitProblem({ kind: "too-complex", path: "a.7" })).toEqual({
      suffix: "too-complex",
      message: expect.stringMatching(/^holds more than 1,000,000 JSON values \(the budget ran out at a\.7\)/),
    });
    expect(describeLimitProblem({ kind: "too-deep", path: "a" }).suffix).toBe("invalid");
    expect(describeLimitProblem({ kind: "non-finite", path: "a" })).toEqual({
      suffix: "invalid",
      message: "has a number too large for a 64-bit float at a",
    });
  });
});

function countValues(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce<number>((sum, v) => sum + countValues(v), 0);
  if (typeof value === "object" && value !== null)
    return 1 + Object.values(value).reduce<number>((sum, v) => sum + countValues(v), 0);
  return 1;
}
