/** Where an S3 object lives. */
export type S3Location = { bucket: string; region: string; key: string };

const utf8 = new TextEncoder();

// RFC 3986 unreserved characters; everything else, `! ' ( ) *` included (which
// encodeURIComponent keeps), is percent-encoded so that no reader can mistake it for syntax.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function encodeSegment(segment: string): string {
  // A literal `.` or `..` segment is removed by RFC 3986's remove_dot_segments (§5.2.4) when any client
  // resolves or normalizes the URL (curl, Python, Java, Go), which then names another object; S3 itself
  // never normalizes a path and decodes `%2E` back to `.`, so the encoded form names the key exactly.
  if (segment === "." || segment === "..") return "%2E".repeat(segment.length);
  let out = "";
  // TextEncoder rather than encodeURIComponent: it never throws on a lone surrogate.
  for (const byte of utf8.encode(segment)) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Percent-encodes an S3 key for a URL path, one `/`-separated segment at a time, keeping `/` and
 * empty segments; a `.` or `..` segment becomes `%2E` or `%2E%2E`. WHATWG URL parsers (browsers,
 * Node's URL) still read `%2E` segments as dots, so such keys stay unreliable in a browser.
 */
export function encodeKey(key: string): string {
  return key.split("/").map(encodeSegment).join("/");
}

/** The virtual-hosted S3 URL of an object, path-style when the bucket name contains dots. */
export function objectUrlFor({ bucket, region, key }: S3Location): string {
  // `*.s3.REGION.amazonaws.com` certificates cover one label only, so a dotted bucket name fails
  // TLS validation in virtual-hosted style; path style is the form AWS documents for that case.
  if (bucket.includes(".")) return `https://s3.${region}.amazonaws.com/${bucket}/${encodeKey(key)}`;
  return `https://${bucket}.s3.${region}.amazonaws.com/${encodeKey(key)}`;
}

/** Joins a URL base (the CLI's `--url-base`) and a key relative to it, with exactly one `/` between. */
export function objectUrlFromBase(urlBase: string, key: string): string {
  // The key is relative to the base, so its leading slashes are separators, not part of a name.
  return `${urlBase.replace(/\/+$/, "")}/${encodeKey(key.replace(/^\/+/, ""))}`;
}
