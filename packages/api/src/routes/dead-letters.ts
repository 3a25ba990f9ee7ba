import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type DeadLetterQueueName, type DeadLetters, redriveDeadLetters } from "@sluice/core";
import type { MiddlewareHandler } from "hono";
import type { ApiDeps } from "../api-deps";
import { errorResponse } from "../error-response";
import { ERROR_RESPONSES, ErrorBodySchema, jsonResponse } from "../schemas";

const QUEUES = ["ingest", "work"] as const satisfies readonly DeadLetterQueueName[];

/** Zod schema for the query of `GET /dead-letters`: one queue or both, at most `limit` messages of each. */
export const DeadLettersQuerySchema = z.object({
  queue: z.enum(QUEUES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Zod schema for the optional body of `POST /dead-letters/redrive`: one queue or both, every message or only `ids`. */
export const RedriveBodySchema = z
  .strictObject({
    queue: z.enum(QUEUES).optional(),
    ids: z.array(z.string().min(1)).min(1).max(1000).optional(),
  })
  .openapi("RedriveRequest");

/** Zod schema for a dead letter as the API shows it. */
export const DeadLetterBodySchema = z
  .object({
    id: z.string(),
    queue: z.enum(QUEUES),
    body: z.unknown(),
    sentAt: z.string().nullable(),
    receiveCount: z.number().int(),
    lastError: z.string().nullable(),
    attributes: z.record(z.string(), z.string()),
  })
  .openapi("DeadLetter");

/** Zod schema for the answer of a redrive: counts, so that a repeat shows `moved: 0`. */
export const RedriveResultSchema = z
  .object({
    moved: z.number().int(),
    failed: z.array(
      z.object({
        id: z.string(),
        queue: z.enum(QUEUES),
        stage: z.enum(["send", "delete"]),
        error: z.string(),
      }),
    ),
    notFound: z.array(z.string()),
    more: z.boolean(),
  })
  .openapi("RedriveResult");

const NOT_CONFIGURED = {
  501: {
    description: "no dead-letter queues configured",
    content: { "application/json": { schema: ErrorBodySchema } },
  },
} as const;

/** Answers 501 before validation where the composition root configured no dead letters. */
function requireDeadLetters(deps: ApiDeps): MiddlewareHandler {
  return async (c, next) => {
    if (deps.deadLetters !== undefined) return next();
    const message =
      "dead letters are not available: set INGEST_QUEUE_URL, INGEST_DLQ_URL, WORK_QUEUE_URL and WORK_DLQ_URL";
    return errorResponse(c, 501, "not-configured", message);
  };
}

const listRoute = (deps: ApiDeps) =>
  createRoute({
    method: "get",
    path: "/dead-letters",
    middleware: [requireDeadLetters(deps)] as const,
    request: { query: DeadLettersQuerySchema },
    responses: {
      200: jsonResponse(
        z.object({
          deadLetters: z.array(DeadLetterBodySchema),
          total: z.object({ ingest: z.number().int().optional(), work: z.number().int().optional() }),
        }),
        "dead letters of each queue asked for, and how many each holds",
      ),
      ...ERROR_RESPONSES,
      ...NOT_CONFIGURED,
    },
  });

const redriveRoute = (deps: ApiDeps) =>
  createRoute({
    method: "post",
    path: "/dead-letters/redrive",
    middleware: [requireDeadLetters(deps)] as const,
    request: { body: { required: false, content: { "application/json": { schema: RedriveBodySchema } } } },
    responses: {
      200: jsonResponse(RedriveResultSchema, "what was moved back to its source queue"),
      ...ERROR_RESPONSES,
      ...NOT_CONFIGURED,
    },
  });

/** Registers `GET /dead-letters` and `POST /dead-letters/redrive` (idempotent: a repeat moves nothing). */
export function registerDeadLetterRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(listRoute(deps), async (c) => {
    const deadLetters = configured(deps);
    const { queue, limit } = c.req.valid("query");
    const pages = await Promise.all(
      (queue ? [queue] : QUEUES).map(async (name) => [name, await deadLetters.list(name, limit)] as const),
    );
    return c.json(
      {
        deadLetters: pages.flatMap(([, page]) => page.messages),
        total: Object.fromEntries(pages.map(([name, page]) => [name, page.total])),
      },
      200,
    );
  });

  app.openapi(redriveRoute(deps), async (c) => {
    const deadLetters = configured(deps);
    // The body is optional: without one (or without a JSON content type) every dead letter of both queues moves.
    const { queue, ids } = c.req.valid("json") ?? {};
    return c.json(await redriveDeadLetters(deadLetters, queue ? [queue] : QUEUES, ids), 200);
  });
}

function configured(deps: ApiDeps): DeadLetters {
  // requireDeadLetters answered already when they are missing.
  if (deps.deadLetters === undefined) throw new Error("dead letters are not configured");
  return deps.deadLetters;
}
