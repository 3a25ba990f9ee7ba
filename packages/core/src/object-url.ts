/** Where an S3 object lives. */
export type S3Location = { bucket: string; region: string; key: string };

const utf8 = new TextEncoder();

// RFC 3986 unreserved characters; everything else, `! ' ( ) *` included (which
// encodeURIComponent keeps), is percent-encoded so that no reader can mistake it for syntax.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function encodeSegment(segment: string): string {
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
 * empty segments. Keys with `.` or `..` segments stay ambiguous: URL parsers remove those segments
 * whether or not they are encoded, so such keys cannot be addressed reliably by URL.
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
