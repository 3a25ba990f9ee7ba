/** Encord's EU (default) API origin. */
export const ENCORD_EU_ORIGIN = "https://api.encord.com";
/** Encord's US API origin. */
export const ENCORD_US_ORIGIN = "https://api.us.encord.com";
/** Resolves `eu`, `us` or a URL to the origin every v2 route hangs off; a path prefix would be lost by the SDK too. */
export function resolveEncordOrigin(domain: string | undefined): string {
  if (domain === undefined || domain === "eu") return ENCORD_EU_ORIGIN;
  if (domain === "us") return ENCORD_US_ORIGIN;
  let url: URL;
  try {
    url = new URL(domain);
  } catch {
    throw new TypeError(`Encord domain "${domain}" is not eu, us or a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`Encord domain "${domain}" must be http or https`);
  }
  return url.origin;
}
