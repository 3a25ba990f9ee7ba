import { z } from "@hono/zod-openapi";
import { DATA_TYPES, DELIVERY_STATES, GROUP_TYPES, RECORD_STATUSES } from "@sluice/core";

/** Zod schema for the error body every failing route answers with. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z
        .array(
          z.object({
            path: z.string(),
            message: z.string(),
            jobId: z.string().optional().openapi({ description: "the running job that refused the request" }),
          }),
        )
        .optional(),
    }),
  })
  .openapi("Error");

/** Zod schema for a record as the API shows it (design.md "Records"); documented loosely, fields vary by type. */
export const RecordBodySchema = z
  .looseObject({ bucket: z.string(), key: z.string(), status: z.enum(RECORD_STATUSES) })
  .openapi("Record");

/** Zod schema for any JSON object body: metadata layers, schemas, import files. */
export const JsonObjectBodySchema = z.record(z.string(), z.unknown()).openapi("JsonObject");

/** Zod schema for the answer that replaces a body above 5 MB. */
export const PresignedBodySchema = z.object({ url: z.string() }).openapi("Presigned");

/** Zod schema for a record key in the path: URL-encoded, and `/` may be left as is. */
export const KeyParamsSchema = z.object({
  key: z
    .string()
    .min(1)
    .openapi({ param: { name: "key", in: "path" }, example: "videos/a.mp4" }),
});

/** Zod schema for the query of `GET /records`. */
export const RecordsQuerySchema = z.object({
  prefix: z.string().default(""),
  status: z.enum(RECORD_STATUSES).optional().openapi({
    description:
      "a status other than `ready` lists the records in it, groups, series and tombstones included (by last change); `ready` narrows a listing of the bucket's objects",
  }),
  type: z
    .enum([...DATA_TYPES, ...GROUP_TYPES])
    .optional()
    .openapi({
      description:
        "`image_group`, `image_sequence` and `dicom_series` list group and series records, in any status unless `status` says (a series sits in its folder); other types narrow a listing of the bucket's objects",
    }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).optional().openapi({
    description:
      "the `cursor` of the page before, from the same prefix, status and type; anything else is 400 `invalid-cursor`",
  }),
});

/** Zod schema for the body of `POST /imports`; `status` is the export state of the records to include. */
export const AdhocImportBodySchema = z.object({
  prefix: z.string().default(""),
  status: z.enum(["pending", "exported", "held"]).optional(),
  since: z.iso.datetime().optional(),
});

/** Zod schema for the answer of `POST /imports`. */
export const AdhocImportResultSchema = z.object({
  files: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      entries: z.number().int(),
      import: JsonObjectBodySchema.optional(),
      url: z.string().optional(),
    }),
  ),
});

const count = z.number().int().nonnegative();

/** Zod schema for an import file's entries per import key (`image_groups` holds groups and sequences). */
export const EntryCountsBodySchema = z
  .object({
    videos: count,
    audio: count,
    images: count,
    image_groups: count,
    dicom_series: count,
    text: count,
    pdfs: count,
    nifti: count,
  })
  .openapi("EntryCounts");

/** Zod schema for an import file as `GET /imports` lists it. */
export const ImportFileSummarySchema = z
  .object({
    id: z
      .string()
      .openapi({ description: "`<ULID>` (the exporter's) or `adhoc/<ULID>`, for `GET /imports/{id}`" }),
    key: z.string().openapi({ description: "the file's key in the exports bucket" }),
    origin: z.enum(["exporter", "adhoc"]),
    writtenAt: z.string().nullable().openapi({ description: "when the file was stored (to the second)" }),
    entries: count.nullable().openapi({ description: "all entries; null for a file stored without counts" }),
    counts: EntryCountsBodySchema.nullable(),
    delivery: z
      .object({
        state: z.enum(DELIVERY_STATES),
        folder: z.string(),
        jobId: z.string().nullable(),
        attempts: z.number().int(),
        createdAt: z.string(),
        updatedAt: z.string(),
        counts: z.object({ done: z.number(), error: z.number(), cancelled: z.number() }).nullable(),
        errors: z.array(z.string()),
      })
      .nullable()
      .openapi({
        description:
          "its Encord upload (as `GET /deliveries` shows it); null while delivery is off, for ad-hoc files (never delivered) and for files exported while it was off",
      }),
  })
  .openapi("ImportFileSummary");

/** An OpenAPI response with a JSON body of `schema`. */
export const jsonResponse = <T>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** What a job start answers when admission refuses it (design: whole-bucket work is admitted). */
export const JOB_ADMISSION_RESPONSES = {
  409: {
    description:
      "`job-running`: a reimport or reconcile runs on an overlapping prefix; its id is in `details[0].jobId`",
    content: { "application/json": { schema: ErrorBodySchema } },
  },
  429: {
    description:
      "`too-many-jobs`: the deployment runs as many jobs as it allows at once; `details` name them",
    content: { "application/json": { schema: ErrorBodySchema } },
  },
} as const;

/** The error responses every authenticated route documents. */
export const ERROR_RESPONSES = {
  400: { description: "invalid request", content: { "application/json": { schema: ErrorBodySchema } } },
  401: {
    description: "missing or wrong bearer token",
    content: { "application/json": { schema: ErrorBodySchema } },
  },
  404: { description: "unknown key or id", content: { "application/json": { schema: ErrorBodySchema } } },
} as const;
