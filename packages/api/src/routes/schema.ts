import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  type EncordSchema,
  InvalidInputError,
  inferBucketSchema,
  MAX_INFER_KEYS,
  pushSchema,
  setSchema,
} from "@sluice/core";
import type { MiddlewareHandler } from "hono";
import type { ApiDeps } from "../api-deps";
import { errorResponse } from "../error-response";
import { requireJsonBody } from "../require-json-body";
import { ERROR_RESPONSES, ErrorBodySchema, JsonObjectBodySchema, jsonResponse } from "../schemas";

const schemaBody = (description: string) => ({
  description,
  content: { "application/json": { schema: JsonObjectBodySchema } },
});

const DELIVERY_OFF_MESSAGE =
  "delivery to Encord is off: set ENCORD_FOLDER (or ENCORD_FOLDERS), ENCORD_INTEGRATION and ENCORD_SSH_KEY_FILE (or ENCORD_SSH_KEY)";
const DELIVERY_OFF = {
  409: jsonResponse(
    ErrorBodySchema,
    `code \`delivery-off\`: Encord was asked for while ${DELIVERY_OFF_MESSAGE}`,
  ),
} as const;
const flag = z.enum(["true", "false"]).optional();

/** Zod schema for the answer of `PUT /schema?push=true`: the schema, what Encord's map gains or loses, whether it was POSTed. */
export const SchemaPushResultSchema = z
  .object({
    schema: JsonObjectBodySchema,
    diff: z.object({
      added: z.array(z.string()),
      changed: z.array(z.object({ key: z.string(), from: z.unknown(), to: z.unknown() })),
      removed: z.array(z.string()).openapi({ description: "sent to Encord as tombstones, never dropped" }),
      unchanged: z.number().int(),
    }),
    pushed: z.boolean(),
  })
  .openapi("SchemaPushResult");

const getRoute = (deps: ApiDeps) =>
  createRoute({
    method: "get",
    path: "/schema",
    middleware: [requireEncordFor(deps, "source")] as const,
    description: "`source=encord` reads Encord's own map (409 `delivery-off` while delivery is off).",
    request: { query: z.object({ source: z.enum(["sluice", "encord"]).default("sluice") }) },
    responses: {
      200: schemaBody("the metadata schema in force, or {}"),
      ...ERROR_RESPONSES,
      ...DELIVERY_OFF,
    },
  });
const putRoute = (deps: ApiDeps) =>
  createRoute({
    method: "put",
    path: "/schema",
    description:
      "`push=true` also writes the schema to Encord, keeping every key (a removed one becomes a tombstone) and refusing with 400 a retype Encord forbids; `dryRun=true` (with `push=true`) answers the diff and writes nothing. 409 `delivery-off` while delivery is off.",
    middleware: [requireEncordFor(deps, "push"), requireJsonBody] as const,
    request: {
      query: z.object({ push: flag, dryRun: flag }),
      body: { required: true, content: { "application/json": { schema: JsonObjectBodySchema } } },
    },
    responses: {
      200: jsonResponse(z.union([SchemaPushResultSchema, JsonObjectBodySchema]), "the schema now in force"),
      ...ERROR_RESPONSES,
      ...DELIVERY_OFF,
    },
  });
const inferredRoute = createRoute({
  method: "get",
  path: "/schema/inferred",
  responses: { 200: schemaBody(`inferred from the first ${MAX_INFER_KEYS} keys`), ...ERROR_RESPONSES },
});

/** Registers `GET`/`PUT /schema` (Encord's v2 format; `PUT` replaces) and `GET /schema/inferred`. */
export function registerSchemaRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(getRoute(deps), async (c) => {
    const store = c.req.valid("query").source === "encord" ? encordOf(deps) : deps.schemaStore;
    return c.json((await store.get()) ?? {}, 200);
  });

  app.openapi(putRoute(deps), async (c) => {
    const { push, dryRun } = c.req.valid("query");
    if (dryRun === "true" && push !== "true") {
      const details = [{ path: "dryRun", message: "dryRun=true needs push=true" }];
      throw new InvalidInputError("dryRun applies only to a push", details);
    }
    const candidate = c.req.valid("json");
    const schemas = deps.schemaStore;
    if (push !== "true") return c.json(await setSchema({ schemas }, candidate), 200);
    const pushed = await pushSchema({ schemas, encord: encordOf(deps) }, candidate, {
      dryRun: dryRun === "true",
    });
    return c.json(pushed, 200);
  });

  app.openapi(inferredRoute, async (c) => c.json(await inferBucketSchema(deps.pipeline), 200));
}

/** Answers 409 `delivery-off` before validation when the request needs Encord and delivery is off. */
function requireEncordFor(deps: ApiDeps, query: "source" | "push"): MiddlewareHandler {
  return async (c, next) => {
    const wanted = query === "source" ? c.req.query("source") === "encord" : c.req.query("push") === "true";
    if (!wanted || deps.encordSchema) return next();
    return errorResponse(c, 409, "delivery-off", DELIVERY_OFF_MESSAGE);
  };
}

function encordOf(deps: ApiDeps): EncordSchema {
  // requireEncordFor answered already when delivery is off.
  if (!deps.encordSchema) throw new Error("delivery to Encord is off");
  return deps.encordSchema;
}
