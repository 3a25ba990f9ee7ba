import { z } from "zod";
import type { FakeEncordState } from "./fake-encord-store";
import { itemView } from "./fake-encord-views";
import {
  detail,
  type FakeResponse,
  message,
  ok,
  parseJson,
  queryBoolean,
  queryInteger,
} from "./fake-response";

const PatchBulkSchema = z.strictObject({
  itemPatches: z.record(
    z.string(),
    z.strictObject({
      clientMetadata: z.record(z.string(), z.unknown()).optional(),
      name: z.string().optional(),
      description: z.string().optional(),
    }),
  ),
});
const GetBulkSchema = z.strictObject({ itemUuids: z.array(z.string()), signUrls: z.boolean().optional() });
// Schema v2 type objects are discriminated by `ty`; their other fields are passed through (encord-api.md §2.6).
const MetadataSchemaV2Schema = z.record(z.string(), z.looseObject({ ty: z.string() }));

/** `GET storage/folders/{folder}/items`: pages of `StorageItem`s, `pageSize` 1–1000, `pageToken` an offset. */
export function listItems(state: FakeEncordState, folder: string, query: URLSearchParams): FakeResponse {
  const items = state.folders.get(folder);
  if (items === undefined) return message(403, `no access to folder ${folder}`);
  const pageSize = queryInteger(query, "pageSize", 100);
  if (pageSize === null || pageSize < 1 || pageSize > 1000)
    return detail(400, "pageSize must be between 1 and 1000");
  const offset = queryInteger(query, "pageToken", 0);
  if (offset === null) return detail(400, "invalid pageToken");
  const desc = queryBoolean(query, "desc", false);
  const order = query.get("order") ?? "name";
  if (desc === null || (order !== "name" && order !== "createdAt"))
    return detail(400, "invalid order or desc");
  for (const flag of ["isRecursive", "signUrls", "includeOrgAccess", "isInDataset"])
    if (queryBoolean(query, flag, false) === null) return detail(400, `${flag} must be True or False`);
  const search = query.get("search");
  const types = query.getAll("itemTypes");
  const sorted = items
    .filter(
      (item) =>
        (search === null || item.name.includes(search)) &&
        (types.length === 0 || types.includes(item.itemType)),
    )
    .sort((a, b) =>
      order === "name" ? a.name.localeCompare(b.name) : a.createdAt.localeCompare(b.createdAt),
    );
  if (desc) sorted.reverse();
  const page = sorted.slice(offset, offset + pageSize);
  const next = offset + pageSize < sorted.length ? String(offset + pageSize) : null;
  return ok({ results: page.map(itemView), nextPageToken: next });
}

/**
 * `PATCH storage/items/patch-bulk`: replaces each item's `clientMetadata` wholesale. An unknown uuid fails
 * the whole request with 404 and changes nothing; the real answer is unknown (encord-api.md §6.9).
 */
export function patchItemsBulk(state: FakeEncordState, body: Uint8Array): FakeResponse {
  const json = parseJson(body);
  if (!("value" in json)) return json;
  const parsed = PatchBulkSchema.safeParse(json.value);
  if (!parsed.success) return detail(400, z.prettifyError(parsed.error));
  const patches = Object.entries(parsed.data.itemPatches);
  const missing = patches.find(([uuid]) => !state.items.has(uuid));
  if (missing !== undefined) return detail(404, `item ${missing[0]} not found`);
  const results = patches.flatMap(([uuid, patch]) => {
    const item = state.items.get(uuid);
    if (item === undefined) return [];
    if (patch.clientMetadata !== undefined) item.clientMetadata = patch.clientMetadata;
    if (patch.name !== undefined) item.name = patch.name;
    return [itemView(item)];
  });
  return ok({ results });
}

/** `POST storage/items/get-bulk`: the items in request order; an unknown uuid gives 404. */
export function getItemsBulk(state: FakeEncordState, body: Uint8Array): FakeResponse {
  const json = parseJson(body);
  if (!("value" in json)) return json;
  const parsed = GetBulkSchema.safeParse(json.value);
  if (!parsed.success) return detail(400, z.prettifyError(parsed.error));
  const results = [];
  for (const uuid of parsed.data.itemUuids) {
    const item = state.items.get(uuid);
    if (item === undefined) return detail(404, `item ${uuid} not found`);
    results.push(itemView(item));
  }
  return ok({ results });
}

/** `GET organisation/client-metadata-schema-v2`: `null` until the first POST. */
export function readMetadataSchema(state: FakeEncordState): FakeResponse {
  return ok(state.schema);
}

/** `POST organisation/client-metadata-schema-v2`: replaces the whole map. */
export function replaceMetadataSchema(state: FakeEncordState, body: Uint8Array): FakeResponse {
  const json = parseJson(body);
  if (!("value" in json)) return json;
  const parsed = MetadataSchemaV2Schema.safeParse(json.value);
  if (!parsed.success) return detail(400, z.prettifyError(parsed.error));
  state.schema = parsed.data;
  return ok(null);
}
