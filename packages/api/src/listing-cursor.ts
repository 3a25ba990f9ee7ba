import { createHmac, timingSafeEqual } from "node:crypto";
import { InvalidCursorError, type ListingSource, type RecordFilter } from "@sluice/core";

/** The listing a cursor belongs to: its source and filter (not its page size, which may change from page to page). */
export type CursorListing = RecordFilter & { source: ListingSource };

/** Signs and checks the cursors of `GET /records`. */
export interface ListingCursors {
  /** The cursor of a position in a listing: URL-safe (base64url, no padding) and opaque. */
  encode(listing: CursorListing, position: string): string;
  /** The position a cursor of this listing stands for; throws InvalidCursorError for anything else. */
  decode(listing: CursorListing, cursor: string): string;
}

const VERSION = 1;
const MAC_BYTES = 16;
// Far above any position (an S3 token of about 1.4 KB from s3rver, a sort key holding a 1,024-byte key).
const MAX_CURSOR_CHARS = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const REFUSED =
  "the cursor is not one this listing gave out (it was made for another prefix, status or type, or it " +
  "was changed or cut); list again without a cursor";

/**
 * Cursors that carry their listing's position (an S3 continuation token, an index sort key) under an
 * HMAC of the position and the listing's source and filter, keyed from the API token: a cursor made for
 * another listing, edited, cut, or percent-decoded along the way is refused as `invalid-cursor` before
 * anything reaches storage, and no caller can hand S3 or DynamoDB a position of their own. A new token
 * ends the cursors given out under the old one.
 */
export function createListingCursors(secret: string): ListingCursors {
  const key = createHmac("sha256", secret).update("sluice/records-cursor/v1").digest();
  const mac = (listing: CursorListing, position: string) =>
    createHmac("sha256", key)
      .update(
        JSON.stringify([
          listing.source,
          listing.prefix,
          listing.status ?? null,
          listing.type ?? null,
          position,
        ]),
      )
      .digest()
      .subarray(0, MAC_BYTES);
  return {
    encode(listing, position) {
      const bytes = Buffer.concat([
        Buffer.of(VERSION),
        mac(listing, position),
        Buffer.from(position, "utf8"),
      ]);
      return bytes.toString("base64url");
    },
    decode(listing, cursor) {
      if (cursor.length > MAX_CURSOR_CHARS || !BASE64URL.test(cursor)) throw new InvalidCursorError(REFUSED);
      const bytes = Buffer.from(cursor, "base64url");
      // Only the one encoding of each byte string: trailing bits set make another text of the same bytes.
      if (bytes.toString("base64url") !== cursor || bytes.length <= 1 + MAC_BYTES || bytes[0] !== VERSION)
        throw new InvalidCursorError(REFUSED);
      const position = bytes.subarray(1 + MAC_BYTES).toString("utf8");
      const expected = mac(listing, position);
      if (!timingSafeEqual(bytes.subarray(1, 1 + MAC_BYTES), expected)) throw new InvalidCursorError(REFUSED);
      return position;
    },
  };
}
