import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { DELIVERY_STATES, type Delivery, NotFoundError } from "@sluice/core";
import type { MiddlewareHandler } from "hono";
import type { ApiDeps } from "../api-deps";
import { errorResponse } from "../error-response";
import { ERROR_RESPONSES, ErrorBodySchema, jsonResponse } from "../schemas";

/** Deliveries `GET /deliveries` shows at most, newest first. */
const MAX_LISTED = 1_000;

/** Zod schema for one delivery as the API shows it: an import file's Encord upload job. */
export const DeliveryBodySchema = z
  .object({
    file: z.string(),
    folder: z.string(),
    state: z.enum(DELIVERY_STATES),
    jobId: z.string().nullable(),
    attempts: z.number().int(),
    records: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    counts: z.object({ done: z.number(), error: z.number(), cancelled: z.number() }).nullable(),
    errors: z.array(z.string()),
  })
  .openapi("Delivery");

const DELIVERY_OFF = {
  409: {
    description: "delivery to Encord is off (`delivery-off`)",
    content: { "application/json": { schema: ErrorBodySchema } },
  },
} as const;

/** Answers 409 `delivery-off` before validation while delivery to Encord is not configured. */
function requireDelivery(deps: ApiDeps): MiddlewareHandler {
  return async (c, next) => {
    if (deps.pipeline.deliveries !== undefined) return next();
    const message = "delivery to Encord is off: set ENCORD_FOLDER, ENCORD_INTEGRATION and the key (README)";
    return errorResponse(c, 409, "delivery-off", message);
  };
}

const listRoute = (deps: ApiDeps) =>
  createRoute({
    method: "get",
    path: "/deliveries",
    middleware: [requireDelivery(deps)] as const,
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(MAX_LISTED).default(100) }) },
    responses: {
      200: jsonResponse(z.object({ deliveries: z.array(DeliveryBodySchema) }), "deliveries, newest first"),
      ...DELIVERY_OFF,
      ...ERROR_RESPONSES,
    },
  });
const getRoute = (deps: ApiDeps) =>
  createRoute({
    method: "get",
    path: "/deliveries/{jobId}",
    middleware: [requireDelivery(deps)] as const,
    request: {
      params: z.object({
        jobId: z
          .string()
          .min(1)
          .openapi({ param: { name: "jobId", in: "path" } }),
      }),
    },
    responses: {
      200: jsonResponse(DeliveryBodySchema, "one delivery: status, unit counts, errors"),
      ...DELIVERY_OFF,
      ...ERROR_RESPONSES,
    },
  });

/** The API's view of a delivery: its record keys are counted, not listed (a file holds up to 1,000). */
function shown(delivery: Delivery) {
  const { keys, ...rest } = delivery;
  return { ...rest, records: keys.length };
}

/** Registers `GET /deliveries` and `GET /deliveries/{jobId}` (design.md "HTTP API"); 409 while delivery is off. */
export function registerDeliveryRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const store = () => {
    if (!deps.pipeline.deliveries) throw new Error("delivery is off (the middleware answers first)");
    return deps.pipeline.deliveries;
  };
  app.openapi(listRoute(deps), async (c) => {
    const { limit } = c.req.valid("query");
    return c.json({ deliveries: (await store().listRecent(limit)).map(shown) }, 200);
  });
  app.openapi(getRoute(deps), async (c) => {
    const { jobId } = c.req.valid("param");
    const found = (await store().listRecent(MAX_LISTED)).find((d) => d.jobId === jobId);
    if (!found) throw new NotFoundError(`no delivery with job "${jobId}" among the last ${MAX_LISTED}`);
    return c.json(shown(found), 200);
  });
}
