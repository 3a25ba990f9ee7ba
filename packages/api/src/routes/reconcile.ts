import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { newJobIds } from "@sluice/aws";
import { startReconcile } from "@sluice/core";
import type { ApiDeps } from "../api-deps";
import { ERROR_RESPONSES, JOB_ADMISSION_RESPONSES, jsonResponse } from "../schemas";

/** Zod schema for the body of `POST /reconcile`: a prefix (none or `""`: the whole bucket). */
export const ReconcileBodySchema = z
  .strictObject({ prefix: z.string().optional() })
  .openapi("ReconcileRequest");

const startRoute = createRoute({
  method: "post",
  path: "/reconcile",
  request: { body: { required: false, content: { "application/json": { schema: ReconcileBodySchema } } } },
  responses: {
    202: jsonResponse(
      z.object({ id: z.string() }),
      "the reconcile job, queued; follow it at `GET /reimports/{id}`",
    ),
    ...ERROR_RESPONSES,
    ...JOB_ADMISSION_RESPONSES,
  },
});

/** Registers `POST /reconcile`: compares the bucket with the records and repairs them, as a job on the work queue (admitted like a reimport). */
export function registerReconcileRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(startRoute, async (c) => {
    const body = c.req.valid("json") ?? {};
    const ids = newJobIds(deps.newId(), Date.now());
    const started = await startReconcile({ ...deps.pipeline, jobs: deps.jobs }, body.prefix ?? "", ids);
    return c.json(started, 202);
  });
}
