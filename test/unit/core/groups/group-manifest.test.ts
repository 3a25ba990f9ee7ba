import { describe, expect, it } from "vitest";
import { parseGroupManifest } from "../../../../packages/core/src/groups/group-manifest";

const utf8 = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => parseGroupManifest(utf8(text), "seq/_group.json");

describe("parseGroupManifest", () => {
  it("returns the manifest when every field is valid", () => {
    const result = parse(
      JSON.stringify({
        type: "image_sequence",
        title: "tl-0001",
        clientMetadata: { site: "A" },
        members: ["b.png", "a.png"],
        count: 2,
      }),
    );

    expect(result).toEqual({
      ok: true,
      manifest: {
        type: "image_sequence",
        title: "tl-0001",
        clientMetadata: { site: "A" },
        members: ["b.png", "a.png"],
        count: 2,
      },
    });
  });

  it("accepts a manifest with only a type", () => {
    expect(parse('{"type":"image_group"}')).toEqual({ ok: true, manifest: { type: "image_group" } });
  });

  it("returns group-manifest-not-json when the bytes are not JSON", () => {
    const result = parse("{type:");

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("group-manifest-not-json");
      expect(result.error.message).toContain("seq/_group.json");
    }
  });

  it("returns group-manifest-not-object when the JSON is an array", () => {
    const result = parse("[]");

    expect(result).toMatchObject({ ok: false, error: { code: "group-manifest-not-object" } });
  });

  it("names the path when the type is unknown", () => {
    const result = parse('{"type":"video"}');

    expect(result).toMatchObject({ ok: false, error: { code: "group-manifest-invalid", path: "type" } });
  });

  it("rejects a member with a slash when it names a file in another folder", () => {
    const result = parse('{"type":"image_group","members":["a.png","sub/b.png"]}');

    expect(result).toMatchObject({ ok: false, error: { code: "group-manifest-invalid", path: "members.1" } });
  });

  it("rejects repeated members when a name appears twice", () => {
    const result = parse('{"type":"image_group","members":["a.png","a.png"]}');

    expect(result).toMatchObject({ ok: false, error: { code: "group-manifest-invalid", path: "members" } });
    if (!result.ok) expect(result.error.message).toContain("must not repeat");
  });

  it("rejects a count that is not a positive integer", () => {
    expect(parse('{"type":"image_sequence","count":0}')).toMatchObject({
      ok: false,
      error: { path: "count" },
    });
    expect(parse('{"type":"image_sequence","count":2.5}')).toMatchObject({
      ok: false,
      error: { path: "count" },
    });
  });

  it("rejects unknown keys when the manifest has a typo", () => {
    const result = parse('{"type":"image_group","cout":3}');

    expect(result).toMatchObject({ ok: false, error: { code: "group-manifest-invalid" } });
    if (!result.ok) expect(result.error.message).toContain("cout");
  });

  it("rejects clientMetadata when it is not an object", () => {
    const result = parse('{"type":"image_group","clientMetadata":[1]}');

    expect(result).toMatchObject({ ok: false, error: { path: "clientMetadata" } });
  });

  it("keeps a sidecar's limits on clientMetadata: depth, finite numbers and the value budget", () => {
    const deep = parse(
      `{"type":"image_group","clientMetadata":{"d":${"[".repeat(5_000)}${"]".repeat(5_000)}}}`,
    );
    const infinite = parse('{"type":"image_group","clientMetadata":{"score":1e400}}');
    const complex = parse(
      `{"type":"image_group","clientMetadata":{"a":[${new Array(600_000).fill("[0]")}]}}`,
    );

    expect(deep).toMatchObject({ ok: false, error: { code: "group-manifest-invalid" } });
    expect(!deep.ok && deep.error.message).toContain("deeper than 64 levels");
    expect(infinite).toMatchObject({
      ok: false,
      error: { code: "group-manifest-invalid", path: "clientMetadata.score" },
    });
    expect(complex).toMatchObject({ ok: false, error: { code: "group-manifest-too-complex" } });
  });
});
