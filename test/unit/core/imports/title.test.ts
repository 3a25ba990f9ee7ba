import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { titleFor } from "../../../../packages/core/src/imports/title";

const codePoints = (text: string): number => [...text].length;
const hash10 = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 10);

describe("titleFor", () => {
  it("returns the key when the key is short", () => {
    expect(titleFor("cams/c1/run42.mp4")).toBe("cams/c1/run42.mp4");
  });

  it("returns the key when the key has exactly 300 characters", () => {
    // Prepare
    const key = `${"a".repeat(296)}.png`;

    // Act
    const title = titleFor(key);

    // Assert
    expect(title).toBe(key);
  });

  it("keeps the last 280 characters plus a hash when the key has 301 characters", () => {
    // Prepare
    const key = `${"d/".repeat(148)}x.png`;

    // Act
    const title = titleFor(key);

    // Assert
    expect(codePoints(key)).toBe(301);
    expect(title).toBe(`${key.slice(-280)}~${hash10(key)}`);
    expect(codePoints(title)).toBe(291);
  });

  it("counts code points and never splits a surrogate pair when the key is long and non-ASCII", () => {
    // Prepare
    const key = `日本/${"🎥".repeat(400)}`;

    // Act
    const title = titleFor(key);

    // Assert
    expect(codePoints(title)).toBeLessThanOrEqual(300);
    expect(title.startsWith("🎥")).toBe(true);
    expect(title).toBe(`${"🎥".repeat(280)}~${hash10(key)}`);
  });

  it("returns the key when 300 code points take more than 300 UTF-16 units", () => {
    // Prepare
    const key = "🎥".repeat(300);

    // Act
    const title = titleFor(key);

    // Assert
    expect(title).toBe(key);
  });

  it("gives different titles when two long keys share their last 280 characters", () => {
    // Prepare
    const tail = `/${"x".repeat(300)}.png`;
    const first = `a${tail}`;
    const second = `b${tail}`;

    // Act
    const titles = [titleFor(first), titleFor(second)];

    // Assert
    expect(titles[0]).not.toBe(titles[1]);
    expect(titles[0]?.slice(0, 280)).toBe(titles[1]?.slice(0, 280));
  });
});
