import { basename, resolve } from "node:path";
import { objectUrlFromBase } from "@sluice/core";
import { UsageError } from "./errors";

/** How local paths map to a bucket, keys and object URLs. */
export interface UrlMapping {
  bucket: string;
  /** Key prefix that the URL base's path stands for ("" when none). */
  keyPrefix: string;
  objectUrlOf(relativeKey: string): string;
}

// Virtual-hosted (bucket.s3.region.amazonaws.com) and path-style (s3.region.amazonaws.com/bucket) S3 URLs.
const VIRTUAL_HOSTED = /^([a-z0-9][a-z0-9.-]*)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/;
const PATH_STYLE_HOST = /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/;

/** Reads `--url-base`: the bucket and key prefix it names, and how a local key becomes its URL. */
export function parseUrlBase(urlBase: string | undefined, dir: string): UrlMapping {
  if (urlBase === undefined) {
    throw new UsageError(
      "--url-base URL is required: object URLs are built from it (e.g. https://BUCKET.s3.REGION.amazonaws.com/)",
    );
  }
  let url: URL;
  try {
    url = new URL(urlBase);
  } catch {
    throw new UsageError(`--url-base is not a URL: "${urlBase}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`--url-base must be an http(s) URL, got "${urlBase}"`);
  }
  if (url.search || url.hash) throw new UsageError("--url-base must not have a query or a fragment");
  const path = decodeURIComponent(url.pathname).replace(/^\//, "");
  const base = urlBase.endsWith("/") ? urlBase : `${urlBase}/`;
  const virtual = VIRTUAL_HOSTED.exec(url.hostname);
  let bucket = basename(resolve(dir));
  let keyPrefix = path && !path.endsWith("/") ? `${path}/` : path;
  if (virtual?.[1]) bucket = virtual[1];
  else if (PATH_STYLE_HOST.test(url.hostname)) {
    const [first = "", ...rest] = keyPrefix.split("/");
    bucket = first;
    keyPrefix = rest.join("/");
  }
  return { bucket, keyPrefix, objectUrlOf: (relativeKey) => objectUrlFromBase(base, relativeKey) };
}
