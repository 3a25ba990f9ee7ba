import { describe, expect, it } from "vitest";
import { forEachConcurrently } from "../../../packages/core/src/for-each-concurrently";
import { groupBy } from "../../../packages/core/src/group-by";

describe("groupBy", () => {
  it("keeps groups in first-seen order and items in input order when keys interleave", () => {
    const groups = groupBy(["a1", "b1", "a2", "c1", "b2"], (item) => item[0]);

    expect([...groups]).toEqual([
      ["a", ["a1", "a2"]],
      ["b", ["b1", "b2"]],
      ["c", ["c1"]],
    ]);
  });
});

describe("forEachConcurrently", () => {
  it("runs every item once with its index and never more than the limit at a time", async () => {
    const seen: [string, number][] = [];
    let running = 0;
    let peak = 0;

    await forEachConcurrently(["a", "b", "c", "d", "e"], 2, async (item, index) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push([item, index]);
      running -= 1;
    });

    expect(seen.sort()).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 2],
      ["d", 3],
      ["e", 4],
    ]);
    expect(peak).toBe(2);
  });

  it("rejects with the first error when an item fails", async () => {
    const run = forEachConcurrently([1, 2, 3], 3, async (n) => {
      if (n === 2) throw new Error("two failed");
    });

    await expect(run).rejects.toThrow("two failed");
  });
});
