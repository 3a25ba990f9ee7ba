import { describe, expect, it } from "vitest";
import { jsonErrorPosition } from "../../../../packages/core/src/metadata/json-error-position";

describe("jsonErrorPosition", () => {
  it.each([['{"a": [1, {"b": null}], "c": -1.5e+3, "d": "\\u00e9\\n"}'], ["  []  "], ['"text"']])(
    "returns undefined when the JSON is valid (%s)",
    (text) => {
      expect(jsonErrorPosition(text)).toBeUndefined();
    },
  );

  it.each([
    ['{"a": }', 6],
    ['{"a":tru}', 8],
    ['{"a": 1,}', 8],
    ['{"a":1', 6],
    ["[1 2]", 3],
    ['{"a":01}', 6],
    ['{"a":2.}', 7],
    ['"\\u12x4"', 5],
    ['{"a":1}x', 7],
    ["", 0],
  ])("finds the offset Node's parser names when the JSON is %j", (text, offset) => {
    expect(jsonErrorPosition(text)?.offset).toBe(offset);
  });

  it("counts lines and columns from 1 when the error is on a later line", () => {
    expect(jsonErrorPosition('{\n  "a": 1,\n  "b": }')).toEqual({ offset: 19, line: 3, column: 8 });
  });

  it("handles deep nesting without recursion when the text is 100,000 brackets deep", () => {
    const text = `${"[".repeat(100_000)}${"]".repeat(99_999)}`;

    expect(jsonErrorPosition(text)).toEqual({ offset: 199_999, line: 1, column: 200_000 });
  });
});
