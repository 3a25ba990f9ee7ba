import { describe, expect, it } from "vitest";
import {
  bucketRefusal,
  keyRefusal,
  MAX_LAST_SEGMENT_BYTES,
} from "../../../packages/cli/src/s3rver-key-limits";

const ROOT = "/data/s3";

describe("keyRefusal", () => {
  it.each([
    ["a plain key", "cams/c1/a b+1.png"],
    ["a last segment of 233 bytes", `x/${"c".repeat(MAX_LAST_SEGMENT_BYTES)}`],
    ["a '.' or '..' last segment (kept as a file name, not a folder)", "a/.."],
    ["a folder marker", "folder/"],
    ["'..' and '.' that stay inside the bucket (where s3rver always kept them)", "keys/x/../a/./b.png"],
  ])("keeps %s", (_case, key) => {
    expect(keyRefusal(ROOT, "ingest", key)).toBeNull();
  });

  it.each([
    ["'..' out of the bucket", "a/../../x"],
    ["'..' into another bucket", "../sluice-exports/imports/x.json"],
    ["'..' out of the data directory", "../../../../etc/x"],
    ["a NUL", "a\0b"],
  ])("refuses InvalidArgument when the key has %s", (_case, key) => {
    expect(keyRefusal(ROOT, "ingest", key)).toMatchObject({ code: "InvalidArgument" });
  });

  it.each([
    ["a 255-character last segment", "a".repeat(255)],
    ["124 × é and an extension (252 bytes)", `${"é".repeat(124)}.png`],
    ["a last segment of 234 bytes", "c".repeat(MAX_LAST_SEGMENT_BYTES + 1)],
    ["a folder of 256 bytes", `${"d".repeat(256)}/x`],
    ["1,025 bytes", `${"e/".repeat(512)}x`],
  ])("refuses KeyTooLongError when the key has %s", (_case, key) => {
    expect(keyRefusal(ROOT, "ingest", key)).toMatchObject({ code: "KeyTooLongError" });
  });

  it("refuses KeyTooLongError when the data directory's path leaves too little room", () => {
    expect(keyRefusal(`/${"r".repeat(3500)}`, "ingest", `${"k/".repeat(300)}x`)).toMatchObject({
      code: "KeyTooLongError",
    });
  });
});

describe("bucketRefusal", () => {
  it.each(["ingest", "sluice-exports", "my.bucket_1"])("keeps %s", (bucket) => {
    expect(bucketRefusal(bucket)).toBeNull();
  });

  it.each(["..", ".", "../../tmp", "a/b", ""])("refuses InvalidBucketName for %j", (bucket) => {
    expect(bucketRefusal(bucket)).toMatchObject({ code: "InvalidBucketName" });
  });
});
