import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { newJobIds } from "@sluice/aws";
import {
  JOB_STATUSES,
  JobPlanSchema,
  JobSchema,
  NotFoundError,
  ReconcileCountsSchema,
  startReimport,
} from "@sluice/core";
import type { ApiDeps } from "../api-deps";
import { requireJsonBody } from "../require-json-body";
import { ERROR_RESPONSES, JOB_ADMISSION_RESPONSES, jsonResponse } from "../schemas";

/** Keys one `POST /reimports` may list; a larger set is a prefix, or several jobs. */
export const MAX_REIMPORT_KEYS = 10_000;

// Every step's message carries the keys, and an SQS message stops at 256 KiB.
const MAX_REIMPORT_KEY_BYTES = 200_000;

/** Zod schema for the body of `POST /reimports`: exactly one of `keys` and `prefix` (`""`: the whole bucket). */
export const ReimportBodySchema = z
  .strictObject({
    keys: z.array(z.string().min(1)).min(1).max(MAX_REIMPORT_KEYS).optional(),
    prefix: z.string().optional(),
    mode: z.enum(["merge", "overwrite"]).default("merge"),
    dryRun: z.boolean().default(false),
    force: z.boolean().default(false),
  })
  .refine((body) => (body.keys === undefined) !== (body.prefix === undefined), {
    message: 'give exactly one of "keys" and "prefix" ("" for the whole bucket)',
  })
  .refine((body) => Buffer.byteLength(JSON.stringify(body.keys ?? []), "utf8") <= MAX_REIMPORT_KEY_BYTES, {
    message: `the keys take more than ${MAX_REIMPORT_KEY_BYTES} bytes; use a prefix or several jobs`,
    path: ["keys"],
  })
  .openapi("ReimportRequest");

/** Zod schema for a job's progress as `GET /reimports/{id}` shows it: core's job without its step bookkeeping. */
export const JobBodySchema = JobSchema.omit({ steps: true, next: true })
  .extend({ plan: JobPlanSchema.optional(), reconcile: ReconcileCountsSchema.optional() })
  .openapi("Job");

const json = jsonResponse;

const startRoute = createRoute({
  method: "post",
  path: "/reimports",
  middleware: [requireJsonBody] as const,
  request: { body: { required: true, content: { "application/json": { schema: ReimportBodySchema } } } },
  responses: {
    202: json(
      z.object({ id: z.string(), status: z.enum(JOB_STATUSES), total: z.number().int() }),
      "the job, queued; `total` is 0 until a prefix is counted",
    ),
    ...ERROR_RESPONSES,
    ...JOB_ADMISSION_RESPONSES,
  },
});
const getRoute = createRoute({
  method: "get",
  path: "/reimports/{id}",
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: { 200: json(JobBodySchema, "the job's progress"), ...ERROR_RESPONSES },
});

/**
 * Registers `POST /reimports` (a job on the work queue, admitted: 409 while a job runs on an overlapping
 * prefix, 429 while the deployment runs its most jobs) and `GET /reimports/{id}` (its progress).
 */
export function registerReimportRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(startRoute, async (c) => {
    const { keys, prefix, mode, dryRun, force } = c.req.valid("json");
    const target = keys !== undefined ? { keys } : { prefix: prefix ?? "" };
    const jobDeps = { ...deps.pipeline, jobs: deps.jobs };
    const ids = newJobIds(deps.newId(), Date.now());
    const started = await startReimport(jobDeps, { target, mode, dryRun, force }, ids);
    return c.json(started, 202);
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid("param");
    const job = await deps.jobs.getJob(id);
    if (job === null) throw new NotFoundError(`no reimport or reconcile job "${id}"`);
    const { steps: _steps, next: _next, plan, reconcile, ...shown } = job;
    return c.json({ ...shown, ...(plan ? { plan } : {}), ...(reconcile ? { reconcile } : {}) }, 200);
  });
}
