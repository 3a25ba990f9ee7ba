import { describe, expect, it } from "vitest";
import { HEAD_BYTES } from "../../../../packages/core/src/bytes/head-bytes";

describe("HEAD_BYTES", () => {
  it("covers at least the 4,100 bytes file-type needs", () => {
    expect(HEAD_BYTES).toBeGreaterThanOrEqual(4100);
  });
});
