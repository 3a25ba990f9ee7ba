import { describe, expect, it } from "vitest";
import { encodeKey, objectUrlFor, objectUrlFromBase } from "../../../../packages/core/src/keys/object-url";

describe("encodeKey", () => {
  it("keeps unreserved characters and slashes when the key needs no encoding", () => {
    // Prepare
    const key = "cams/c1/run-42_v2.1~final.mp4";

    // Act
    const encoded = encodeKey(key);

    // Assert
    expect(encoded).toBe(key);
  });

  it("encodes spaces as %20 when the key has spaces", () => {
    expect(encodeKey("my videos/run 1.mp4")).toBe("my%20videos/run%201.mp4");
  });

  it("encodes reserved and sub-delimiter characters when the key has them", () => {
    // Prepare
    const key = "a+b%c#d?e!f'g(h)i*j&k=l;m,n:o@p$q";

    // Act
    const encoded = encodeKey(key);

    // Assert
    expect(encoded).toBe("a%2Bb%25c%23d%3Fe%21f%27g%28h%29i%2Aj%26k%3Dl%3Bm%2Cn%3Ao%40p%24q");
  });

  it("encodes non-ASCII characters as UTF-8 bytes when the key has them", () => {
    expect(encodeKey("café/日本/🎥.mp4")).toBe("caf%C3%A9/%E6%97%A5%E6%9C%AC/%F0%9F%8E%A5.mp4");
  });

  it("keeps leading, trailing and doubled slashes when the key has empty segments", () => {
    expect(encodeKey("/a//b/")).toBe("/a//b/");
  });

  it("encodes '.' and '..' segments as %2E so that no URL normalization removes them", () => {
    // Prepare: RFC 3986 §5.2.4 removes literal dot segments; S3 never normalizes and decodes %2E.
    const key = "a/../b/./c/.../d..";

    // Act
    const encoded = encodeKey(key);

    // Assert
    expect(encoded).toBe("a/%2E%2E/b/%2E/c/.../d..");
    expect(encoded.split("/").map(decodeURIComponent).join("/")).toBe(key);
  });

  it("does not throw when the key holds a lone surrogate", () => {
    expect(encodeKey("a\uD800b")).toBe("a%EF%BF%BDb");
  });

  it("round-trips through decodeURIComponent when the key is arbitrary", () => {
    // Prepare
    const key = "dir with space/a+b%20c#?é日本🎥!'()*.bin";

    // Act
    const decoded = encodeKey(key).split("/").map(decodeURIComponent).join("/");

    // Assert
    expect(decoded).toBe(key);
  });
});

describe("objectUrlFor", () => {
  it("builds a virtual-hosted URL when the bucket name has no dots", () => {
    // Act
    const url = objectUrlFor({ bucket: "acme-raw", region: "eu-west-1", key: "cams/c1/run 42.mp4" });

    // Assert
    expect(url).toBe("https://acme-raw.s3.eu-west-1.amazonaws.com/cams/c1/run%2042.mp4");
  });

  it("builds a path-style URL when the bucket name has dots", () => {
    // Act
    const url = objectUrlFor({ bucket: "data.acme.com", region: "us-east-2", key: "img/é.png" });

    // Assert
    expect(url).toBe("https://s3.us-east-2.amazonaws.com/data.acme.com/img/%C3%A9.png");
  });

  it("names the object exactly when the key has a '..' segment", () => {
    expect(objectUrlFor({ bucket: "b", region: "eu-west-1", key: "cams/../c1/a.png" })).toBe(
      "https://b.s3.eu-west-1.amazonaws.com/cams/%2E%2E/c1/a.png",
    );
  });

  it("keeps a leading slash of the key when the key starts with one", () => {
    expect(objectUrlFor({ bucket: "b", region: "eu-west-1", key: "/x.png" })).toBe(
      "https://b.s3.eu-west-1.amazonaws.com//x.png",
    );
  });
});

describe("objectUrlFromBase", () => {
  it("joins with one slash when the base has no trailing slash", () => {
    expect(objectUrlFromBase("https://b.s3.eu-west-1.amazonaws.com/raw", "a/b c.png")).toBe(
      "https://b.s3.eu-west-1.amazonaws.com/raw/a/b%20c.png",
    );
  });

  it("joins with one slash when the base and the key both have slashes at the join", () => {
    expect(objectUrlFromBase("https://b.s3.eu-west-1.amazonaws.com/raw//", "/a/#1.png")).toBe(
      "https://b.s3.eu-west-1.amazonaws.com/raw/a/%231.png",
    );
  });

  it("keeps trailing slashes of the key when the key ends with one", () => {
    expect(objectUrlFromBase("https://h/", "dir/")).toBe("https://h/dir/");
  });
});
