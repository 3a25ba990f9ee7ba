import { describe, expect, it } from "vitest";
import { naturalCompare } from "../../../../packages/core/src/groups/natural-sort";

describe("naturalCompare", () => {
  it("orders digit runs by value when names are frame1..frame12", () => {
    // Prepare
    const names = Array.from({ length: 12 }, (_, i) => `frame${i + 1}.png`);
    const shuffled = [...names].reverse().sort();

    // Act
    const sorted = shuffled.sort(naturalCompare);

    // Assert
    expect(sorted).toEqual(names);
  });

  it("puts frame2 before frame10 when a plain sort would not", () => {
    expect(["frame10", "frame2"].sort()).toEqual(["frame10", "frame2"]);

    expect(["frame10", "frame2"].sort(naturalCompare)).toEqual(["frame2", "frame10"]);
  });

  it("compares leading-zero runs by value and breaks ties by code units when values are equal", () => {
    const sorted = ["f10", "f002", "f2", "f02", "f1"].sort(naturalCompare);

    expect(sorted).toEqual(["f1", "f002", "f02", "f2", "f10"]);
  });

  it("orders upper case before lower case by code units when case differs", () => {
    const sorted = ["b1", "a2", "A10", "a10"].sort(naturalCompare);

    expect(sorted).toEqual(["A10", "a2", "a10", "b1"]);
  });

  it("returns 0 only when the names are equal and is antisymmetric when they differ", () => {
    expect(naturalCompare("x7", "x7")).toBe(0);
    expect(Math.sign(naturalCompare("x07", "x7"))).toBe(-Math.sign(naturalCompare("x7", "x07")));
    expect(naturalCompare("x07", "x7")).not.toBe(0);
  });

  it("compares digit runs longer than a safe integer by value", () => {
    const big = "9".repeat(30);

    expect(naturalCompare(`a${big}`, `a1${big}`)).toBeLessThan(0);
  });

  it("orders a name that is a prefix of another first when the rest is longer", () => {
    expect(["frame1b", "frame1"].sort(naturalCompare)).toEqual(["frame1", "frame1b"]);
  });
});
