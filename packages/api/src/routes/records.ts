import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  editMetadata,
  InvalidInputError,
  isJsonObject,
  listingSource,
  listRecords,
  type MetadataEditMode,
  readRecord,
  tooComplexLayerText,
} from "@sluice/core";
import type { MiddlewareHandler } from "hono";
import type { ApiDeps } from "../api-deps";
import { errorResponse } from "../error-response";
import { createListingCursors } from "../listing-cursor";
import { publicRecord } from "../public-record";
import { requireJsonBody } from "../require-json-body";
import {
  ERROR_RESPONSES,
  JsonObjectBodySchema,
  jsonResponse,
  KeyParamsSchema,
  RecordBodySchema,
  RecordsQuerySchema,
} from "../schemas";

const json = jsonResponse;

// `{key{.+}}` lets a key keep its `/` unencoded; the OpenAPI document shows it as `{key}`.
const listRoute = createRoute({
  method: "get",
  path: "/records",
  request: { query: RecordsQuerySchema },
  responses: {
    200: json(
      z.object({
        records: z.array(RecordBodySchema),
        cursor: z.string().nullable().openapi({
          description:
            "the next page's `cursor` (URL-safe, opaque, valid for this prefix, status and type only); null at the end",
        }),
      }),
      "a page; it may hold fewer than `limit` records while `cursor` is not null",
    ),
    ...ERROR_RESPONSES,
  },
});
const getRoute = createRoute({
  method: "get",
  path: "/records/{key{.+}}",
  request: { params: KeyParamsSchema },
  responses: { 200: json(RecordBodySchema, "the record"), ...ERROR_RESPONSES },
});
const editRoute = (method: "patch" | "put", description: string) =>
  createRoute({
    method,
    path: "/records/{key{.+}}/metadata",
    description,
    middleware: [requireJsonBody, limitLayerText] as const,
    request: {
      params: KeyParamsSchema,
      body: { required: true, content: { "application/json": { schema: JsonObjectBodySchema } } },
    },
    responses: { 200: json(RecordBodySchema, "the re-derived record"), ...ERROR_RESPONSES },
  });

/**
 * Refuses a metadata layer whose text holds more JSON values than a sidecar may, before the validator
 * parses it: the API layer keeps the sidecar limits (issue 14). The text stays cached for the validator.
 */
const limitLayerText: MiddlewareHandler = async (c, next) => {
  const problem = tooComplexLayerText(await c.req.text());
  if (problem) return errorResponse(c, 400, problem.code, problem.message);
  await next();
};

/** Registers `GET /records`, `GET /records/{key}` and `PATCH`/`PUT /records/{key}/metadata`. */
export function registerRecordRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { pipeline } = deps;
  const cursors = createListingCursors(deps.token);
  app.openapi(listRoute, async (c) => {
    const { prefix, status, type, limit, cursor } = c.req.valid("query");
    const filter = { prefix, ...(status ? { status } : {}), ...(type ? { type } : {}) };
    const listing = { ...filter, source: listingSource(filter) };
    const position = cursor === undefined ? null : cursors.decode(listing, cursor);
    const page = await listRecords(pipeline, filter, limit, position);
    const next = page.cursor === null ? null : cursors.encode(listing, page.cursor);
    return c.json({ records: page.records.map(publicRecord), cursor: next }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const { key } = c.req.valid("param");
    return c.json(publicRecord(await readRecord(pipeline, key)), 200);
  });

  const edit = (mode: MetadataEditMode) => async (key: string, body: Record<string, unknown>) => {
    if (!isJsonObject(body)) throw new InvalidInputError("the body must be a JSON object", []);
    const edited = await editMetadata({ pipeline, schemas: deps.schemaStore }, key, body, mode);
    return publicRecord(edited);
  };
  const merge = edit("merge");
  const replace = edit("replace");
  app.openapi(editRoute("patch", "merges keys into the API layer above the sidecar"), async (c) =>
    c.json(await merge(c.req.valid("param").key, c.req.valid("json")), 200),
  );
  app.openapi(editRoute("put", "replaces the API layer above the sidecar"), async (c) =>
    c.json(await replace(c.req.valid("param").key, c.req.valid("json")), 200),
  );
}
