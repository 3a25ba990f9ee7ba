import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { importKeyFor } from "@sluice/aws";
import {
  describeImports,
  type ImportFileSummary,
  isJsonObject,
  NotFoundError,
  writeAdhocImports,
} from "@sluice/core";
import { type ApiDeps, MAX_RESPONSE_BYTES } from "../api-deps";
import {
  AdhocImportBodySchema,
  AdhocImportResultSchema,
  ERROR_RESPONSES,
  ImportFileSummarySchema,
  JsonObjectBodySchema,
  jsonResponse,
  PresignedBodySchema,
} from "../schemas";

const IMPORTS_PREFIX = "imports/";

// The ids the exporter (a ULID) and ad-hoc imports (`adhoc/<ULID>`) make, in Crockford base 32: nothing
// else names an import file, and an id is joined into a key (`..` or NUL would read other objects).
const IMPORT_ID = /^(adhoc\/)?[0-9A-HJKMNP-TV-Z]{26}$/;
// Far above any S3 continuation token (s3rver's carry a whole key: about 1.4 KB at most).
const MAX_CURSOR_CHARS = 2048;

const json = jsonResponse;

const createImportRoute = createRoute({
  method: "post",
  path: "/imports",
  request: { body: { required: false, content: { "application/json": { schema: AdhocImportBodySchema } } } },
  responses: { 201: json(AdhocImportResultSchema, "the ad-hoc import files"), ...ERROR_RESPONSES },
});
const listRoute = createRoute({
  method: "get",
  path: "/imports",
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.string().min(1).max(MAX_CURSOR_CHARS).optional(),
    }),
  },
  responses: {
    200: json(
      z.object({
        imports: z.array(ImportFileSummarySchema),
        cursor: z.string().nullable(),
      }),
      "import files in key order (the exporter's by time, then ad-hoc ones by time): origin, time, entry counts by import key and delivery",
    ),
    ...ERROR_RESPONSES,
  },
});
const getRoute = createRoute({
  method: "get",
  path: "/imports/{id{.+}}",
  request: {
    params: z.object({
      id: z
        .string()
        .regex(IMPORT_ID, "an import id is a ULID or adhoc/<ULID>, as GET /imports lists them")
        .openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: {
    200: json(JsonObjectBodySchema.or(PresignedBodySchema), "the import file"),
    ...ERROR_RESPONSES,
  },
});

/** A listed file as the API shows it: its delivery's record keys are left out (a file holds up to 1,000). */
function shown(summary: ImportFileSummary) {
  if (summary.delivery === null) return { ...summary, delivery: null };
  const { keys: _keys, file: _file, ...delivery } = summary.delivery;
  return { ...summary, delivery };
}

/** Registers `POST /imports` (ad-hoc, export state unchanged), `GET /imports` and `GET /imports/{id}`. */
export function registerImportRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const maxBytes = deps.maxResponseBytes ?? MAX_RESPONSE_BYTES;

  app.openapi(createImportRoute, async (c) => {
    const { prefix, status, since } = c.req.valid("json");
    // Without a JSON body the validator is skipped and the defaults are not applied. ISO times compare
    // as strings only at one precision: `since` is normalised to the records' form.
    const after = since === undefined ? {} : { since: new Date(since).toISOString() };
    const filter = { prefix: prefix ?? "", ...(status ? { status } : {}), ...after };
    const written = await writeAdhocImports({ pipeline: deps.pipeline, newId: () => deps.newId() }, filter);
    // Inline files while the whole answer stays under the limit (with room for the envelope).
    let budget = maxBytes - 1024;
    const files = [];
    for (const { id, key, entries, file, body } of written) {
      const bytes = Buffer.byteLength(body, "utf8");
      if (bytes <= budget) {
        budget -= bytes;
        files.push({ id, key, entries, import: file });
      } else files.push({ id, key, entries, url: await deps.exportsBucket.presign(key) });
    }
    return c.json({ files }, 201);
  });

  app.openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await deps.exportsBucket.list(IMPORTS_PREFIX, cursor ?? null, limit);
    // Only what GET /imports/{id} answers for: keys named by an import id.
    const files = page.keys
      .filter((key) => key.endsWith(".json"))
      .map((key) => ({ id: key.slice(IMPORTS_PREFIX.length, -".json".length), key }))
      .filter(({ id }) => IMPORT_ID.test(id));
    const imports = (await describeImports(deps.pipeline, files)).map(shown);
    return c.json({ imports, cursor: page.cursor }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const key = importKeyFor(c.req.valid("param").id);
    const text = await deps.exportsBucket.get(key);
    if (text === null) throw new NotFoundError(`no import file "${key}"`);
    // The file is already in the bucket: presign it rather than copy it.
    if (Buffer.byteLength(text, "utf8") > maxBytes)
      return c.json({ url: await deps.exportsBucket.presign(key) }, 200);
    const parsed: unknown = JSON.parse(text);
    if (!isJsonObject(parsed)) throw new Error(`the import file ${key} is not a JSON object`);
    return c.json(parsed, 200);
  });
}
