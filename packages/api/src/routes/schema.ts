import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { inferMetadataSchema, parseMetadataSchema } from "@sluice/core";
import type { ApiDeps } from "../api-deps";
import { InvalidRequestError, requireJsonBody } from "../errors";
import { scanRecords } from "../list-records";
import { ERROR_RESPONSES, JsonObjectBodySchema } from "../schemas";

/** Records read at most to infer a schema: a sample of the bucket in key order, not all of it. */
export const MAX_INFER_KEYS = 10_000;

const schemaBody = (description: string) => ({
  description,
  content: { "application/json": { schema: JsonObjectBodySchema } },
});

const getRoute = createRoute({
  method: "get",
  path: "/schema",
  responses: { 200: schemaBody("the metadata schema in force, or {}"), ...ERROR_RESPONSES },
});
const putRoute = createRoute({
  method: "put",
  path: "/schema",
  middleware: [requireJsonBody] as const,
  request: { body: { required: true, content: { "application/json": { schema: JsonObjectBodySchema } } } },
  responses: { 200: schemaBody("the schema now in force"), ...ERROR_RESPONSES },
});
const inferredRoute = createRoute({
  method: "get",
  path: "/schema/inferred",
  responses: { 200: schemaBody(`inferred from the first ${MAX_INFER_KEYS} keys`), ...ERROR_RESPONSES },
});

/** Registers `GET`/`PUT /schema` (Encord's v2 format; `PUT` replaces) and `GET /schema/inferred`. */
export function registerSchemaRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(getRoute, async (c) => c.json((await deps.schemaStore.get()) ?? {}, 200));

  app.openapi(putRoute, async (c) => {
    const parsed = parseMetadataSchema(c.req.valid("json"));
    if (!parsed.ok) {
      const details = parsed.errors.map((found) => ({ path: found.path ?? "", message: found.message }));
      throw new InvalidRequestError("the metadata schema is invalid", details);
    }
    await deps.schemaStore.put(parsed.schema);
    return c.json(parsed.schema, 200);
  });

  app.openapi(inferredRoute, async (c) => {
    const { records } = await scanRecords(deps.pipeline, { prefix: "" }, MAX_INFER_KEYS);
    const seen = records.filter((record) => record.status !== "deleted").map((r) => r.clientMetadata);
    return c.json(inferMetadataSchema(seen), 200);
  });
}
