import { describe, expect, it } from "vitest";
import { folderFor, parseEncordFolders } from "../../../../packages/core/src/imports/encord-folders";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const C = "00000000-0000-4000-8000-00000000000c";

describe("parseEncordFolders", () => {
  it("orders routes longest prefix first when given in any order", () => {
    const parsed = parseEncordFolders(`cams/=${A}, cams/left/=${B},,`);

    expect(parsed).toEqual({
      ok: true,
      routes: [
        { prefix: "cams/left/", folder: B },
        { prefix: "cams/", folder: A },
      ],
    });
  });

  it("names every bad pair when pairs lack a prefix, a UUID or repeat a prefix", () => {
    const parsed = parseEncordFolders(`=${A},cams/=not-a-uuid,x/=${A},x/=${B},plain`);

    expect(parsed.ok).toBe(false);
    const messages = parsed.ok ? [] : parsed.errors.map((e) => e.message);
    expect(messages).toEqual([
      `"=${A}" is not prefix=folder-uuid`,
      `"not-a-uuid" (for "cams/") is not a folder UUID`,
      `the prefix "x/" is given twice`,
      `"plain" is not prefix=folder-uuid`,
    ]);
  });
});

describe("folderFor", () => {
  it("picks the longest matching prefix, else the default, else null", () => {
    const parsed = parseEncordFolders(`cams/=${A},cams/left/=${B}`);
    const routes = parsed.ok ? parsed.routes : [];

    expect(folderFor("cams/left/1.mp4", routes, C)).toBe(B);
    expect(folderFor("cams/right/1.mp4", routes, C)).toBe(A);
    expect(folderFor("other/1.mp4", routes, C)).toBe(C);
    expect(folderFor("other/1.mp4", routes, null)).toBeNull();
  });
});
