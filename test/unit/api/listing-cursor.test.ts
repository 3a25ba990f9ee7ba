import { describe, expect, it } from "vitest";
import { createListingCursors } from "../../../packages/api/src/listing-cursor";
import { InvalidCursorError } from "../../../packages/core/src/index";

const listing = { source: "objects" as const, prefix: "a/" };
// An S3 continuation token: standard base64, with the characters a URL mangles.
const TOKEN = "1hmCwwkksB6o9PdWIl+okFxvWCgEfs7h/dC8Bd==";

describe("createListingCursors", () => {
  it("wraps a position in a URL-safe cursor and gives it back for the same listing", () => {
    const cursors = createListingCursors("secret");

    const cursor = cursors.encode(listing, TOKEN);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursors.decode(listing, cursor)).toBe(TOKEN);
    expect(cursors.decode({ ...listing }, cursor)).toBe(TOKEN);
  });

  it("refuses a cursor of another listing, another secret, or one changed, cut or made up", () => {
    const cursors = createListingCursors("secret");
    const cursor = cursors.encode(listing, TOKEN);
    const last = cursor.at(-1) === "A" ? "B" : "A";
    const refused = [
      () => cursors.decode({ ...listing, prefix: "b/" }, cursor),
      () => cursors.decode({ ...listing, status: "ready" }, cursor),
      () => cursors.decode({ ...listing, source: "status", status: "deleted" }, cursor),
      () => createListingCursors("other").decode(listing, cursor),
      () => cursors.decode(listing, `${cursor.slice(0, -1)}${last}`),
      () => cursors.decode(listing, cursor.slice(0, 20)),
      () => cursors.decode(listing, "garbage"),
      () => cursors.decode(listing, `${cursor}=`),
      () => cursors.decode(listing, `${cursor.slice(0, 10)}+${cursor.slice(11)}`),
      () => cursors.decode(listing, "A".repeat(5000)),
    ];

    for (const decode of refused) expect(decode).toThrow(InvalidCursorError);
  });
});
