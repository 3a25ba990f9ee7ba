import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type ApiDeps, MAX_RESPONSE_BYTES } from "./api-deps";
import { requireBearerToken } from "./auth";
import { errorResponse } from "./error-response";
import { toErrorResponse } from "./errors";
import { registerDeadLetterRoutes } from "./routes/dead-letters";
import { registerDeliveryRoutes } from "./routes/deliveries";
import { registerImportRoutes } from "./routes/imports";
import { registerReconcileRoutes } from "./routes/reconcile";
import { registerRecordRoutes } from "./routes/records";
import { registerReimportRoutes } from "./routes/reimports";
import { registerSchemaRoutes } from "./routes/schema";
import { validationHook } from "./validation-hook";

/** Request bodies above this many bytes are refused with 413 (a sidecar is at most 10 MB too). */
export const MAX_REQUEST_BYTES = 10_000_000;

const PUBLIC_PATHS = new Set(["/health", "/openapi.json"]);

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  responses: {
    200: {
      description: "alive",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

/** Builds the HTTP API (design.md "HTTP API"), apart from any runtime: `handle(app)` or a Node server. */
export function createApp(deps: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError((error, c) => toErrorResponse(error, c, deps.logError));
  app.notFound((c) => errorResponse(c, 404, "not-found", `no route ${c.req.method} ${c.req.path}`));
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: (c) =>
        errorResponse(c, 413, "payload-too-large", `bodies are at most ${MAX_REQUEST_BYTES} bytes`),
    }),
  );
  app.use("*", presignLargeResponses(deps));
  const auth = requireBearerToken(deps.token);
  app.use("*", (c, next) => (PUBLIC_PATHS.has(c.req.path) ? next() : auth(c, next)));

  app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
  registerRecordRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerSchemaRoutes(app, deps);
  registerReimportRoutes(app, deps);
  registerReconcileRoutes(app, deps);
  registerDeliveryRoutes(app, deps);
  registerDeadLetterRoutes(app, deps);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.get("/openapi.json", (c) => {
    const document = app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "Sluice", version: "0.1.0" },
      security: [{ bearer: [] }],
    });
    // Hono's `{key{.+}}` (a parameter that may hold `/`) is plain `{key}` to OpenAPI.
    const paths = Object.fromEntries(
      Object.entries(document.paths ?? {}).map(([path, item]) => [
        path.replace(/\{(\w+)\{[^}]*\}\}/g, "{$1}"),
        item,
      ]),
    );
    return c.json({ ...document, paths }, 200);
  });
  return app;
}

/**
 * Lambda responses stop at 6 MB: a JSON body above the limit is stored in the exports bucket
 * (`responses/<id>.json`) and answered with `{ url }`, a presigned GET of it, with the same status.
 */
function presignLargeResponses(deps: ApiDeps): MiddlewareHandler {
  const maxBytes = deps.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  return async (c, next) => {
    await next();
    if (!(c.res.headers.get("content-type") ?? "").includes("json")) return;
    const text = await c.res.text();
    const { status } = c.res;
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    const small = Buffer.byteLength(text, "utf8") <= maxBytes;
    const key = `responses/${deps.newId()}.json`;
    if (!small) await deps.exportsBucket.put(key, text);
    const body = small ? text : JSON.stringify({ url: await deps.exportsBucket.presign(key) });
    // Unset first, so that Hono replaces the response rather than merging the old headers into it.
    c.res = undefined;
    c.res = new Response(body, { status, headers });
  };
}
