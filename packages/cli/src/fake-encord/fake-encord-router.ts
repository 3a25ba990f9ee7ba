import type { FakeEncordState } from "./fake-encord-store";
import { detail, type FakeResponse } from "./fake-response";
import {
  getItemsBulk,
  listItems,
  patchItemsBulk,
  readMetadataSchema,
  replaceMetadataSchema,
} from "./item-routes";
import { cancelUploadJob, createUploadJob, pollUploadJob } from "./job-routes";

/** A verified request, its path split after `/v2/public/`. */
export interface RoutedRequest {
  method: string;
  segments: string[];
  query: URLSearchParams;
  body: Uint8Array;
}

const PREFIX = "/v2/public/";

/** Splits a raw target into decoded path segments after `/v2/public/`, or `null` outside it. */
export function splitTarget(target: string): { segments: string[]; query: URLSearchParams } | null {
  const url = new URL(target, "http://fake.invalid");
  if (!url.pathname.startsWith(PREFIX)) return null;
  const segments = url.pathname.slice(PREFIX.length).split("/").map(decodeURIComponent);
  return { segments, query: url.searchParams };
}

/** Dispatches a verified request to its route; unknown routes give 404 and wrong methods 405. */
export async function routeRequest(
  state: FakeEncordState,
  request: RoutedRequest,
  capSeconds: number,
): Promise<FakeResponse> {
  const { method, segments, query, body } = request;
  const [a, b, c, d, e, f] = segments;
  const path = segments.join("/");
  const allow = (expected: string, run: () => FakeResponse | Promise<FakeResponse>) =>
    method === expected ? run() : detail(405, "Method Not Allowed");
  if (path === "organisation/client-metadata-schema-v2") {
    if (method === "GET") return readMetadataSchema(state);
    return allow("POST", () => replaceMetadataSchema(state, body));
  }
  if (path === "storage/items/patch-bulk") return allow("PATCH", () => patchItemsBulk(state, body));
  if (path === "storage/items/get-bulk") return allow("POST", () => getItemsBulk(state, body));
  if (a === "storage" && b === "folders" && c !== undefined) {
    if (d === "items" && segments.length === 4) return allow("GET", () => listItems(state, c, query));
    if (d === "data-upload-jobs") {
      if (segments.length === 4) return allow("POST", () => createUploadJob(state, c, body));
      if (e !== undefined && segments.length === 5)
        return allow("GET", () => pollUploadJob(state, c, e, query, capSeconds));
      if (e !== undefined && f === "cancel" && segments.length === 6)
        return allow("POST", () => cancelUploadJob(state, c, e));
    }
  }
  return detail(404, "Not Found");
}
