import {
  DEFAULT_IMPORT_LIMITS,
  DEFAULT_PROBE_SETTINGS,
  DEFAULT_SIDECAR_SUFFIXES,
  type ImportLimits,
  objectUrlFor,
  objectUrlFromBase,
  type ProbeSettings,
  parseSidecarSuffixes,
} from "@sluice/core";
import { z } from "zod";
import { type EncordConfig, type EncordConfigOptions, parseEncordConfig } from "./encord-config";

/** One bad setting: the environment key and what is wrong with it. */
export interface ConfigProblem {
  key: string;
  message: string;
}

/** The environment does not make a valid config; lists every bad key at once. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly retryable = false;
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.key}: ${p.message}`).join("; ")}`);
    this.problems = problems;
  }
}

// S3's bucket naming rules, loosely: catches `s3://bucket` and `Bucket` typos at cold start.
const bucketName = z
  .string({ error: "is required" })
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "must be an S3 bucket name (3-63 lower-case letters, digits, . or -)",
  );
const required = z.string({ error: "is required" }).trim().min(1, "is required");

function integer(fallback: number, min: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(Number.MAX_SAFE_INTEGER, "is too large"))
    .optional()
    .transform((value) => value ?? fallback);
}

/** Sluice's settings as the environment spells them; `ConfigSchema` names them for the code. */
const EnvSchema = z.object({
  DATA_BUCKET: bucketName,
  EXPORTS_BUCKET: bucketName,
  TABLE_NAME: required,
  WORK_QUEUE_URL: z.url({ error: "must be a URL" }).optional(),
  INGEST_QUEUE_URL: z.url({ error: "must be a URL" }).optional(),
  INGEST_DLQ_URL: z.url({ error: "must be a URL" }).optional(),
  WORK_DLQ_URL: z.url({ error: "must be a URL" }).optional(),
  AWS_REGION: required,
  SIDECAR_SUFFIXES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return [...DEFAULT_SIDECAR_SUFFIXES];
      const result = parseSidecarSuffixes(value);
      if (result.ok) return result.suffixes;
      ctx.addIssue({ code: "custom", message: result.error });
      return z.NEVER;
    }),
  EMIT_TEXT_PDF_METADATA: z
    .enum(["1", "0", "true", "false"], { error: 'must be "1", "0", "true" or "false"' })
    .optional()
    .transform((value) => value === "1" || value === "true"),
  LOSSY_BIT_DEPTH: z
    .enum(["8", "16", "24", "32"], { error: "must be 8, 16, 24 or 32" })
    .optional()
    .transform((value) => (value === undefined ? DEFAULT_PROBE_SETTINGS.lossyBitDepth : Number(value))),
  SETTLE_SECONDS: integer(60, 0),
  MAX_ENTRIES: integer(DEFAULT_IMPORT_LIMITS.maxEntries, 1),
  MAX_VIDEOS: integer(DEFAULT_IMPORT_LIMITS.maxVideos, 1),
  MAX_BYTES: integer(DEFAULT_IMPORT_LIMITS.maxBytes, 1),
  OBJECT_URL_BASE: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  // A bearer token (RFC 6750 token68): any other character could never be sent in an Authorization header.
  API_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters")
    .regex(/^[A-Za-z0-9._~+/-]+=*$/, "must use only letters, digits and . _ ~ + / - (then = padding)")
    .optional(),
  // EventBridge bus names: 1-256 of letters, digits and . _ - / (a partner bus has slashes), or an ARN.
  EVENT_BUS_NAME: z
    .string()
    .regex(
      /^(?:[\w./-]{1,256}|arn:aws[\w-]*:events:[\w-]+:\d{12}:event-bus\/[\w./-]+)$/,
      "must be an event bus name or ARN",
    )
    .optional(),
  WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  RECONCILE_PREFIX: z.string().optional(),
});

/** Sluice's settings (all but delivery's, parsed beside them by encord-config.ts), read nowhere else. */
const ConfigSchema = EnvSchema.transform((e) => ({
  dataBucket: e.DATA_BUCKET,
  exportsBucket: e.EXPORTS_BUCKET,
  tableName: e.TABLE_NAME,
  // Null when unset: the local stack drives its own queue.
  workQueueUrl: e.WORK_QUEUE_URL ?? null,
  // The ingest queue and the two dead-letter queues, for `GET /dead-letters` and its redrive.
  ingestQueueUrl: e.INGEST_QUEUE_URL ?? null,
  ingestDlqUrl: e.INGEST_DLQ_URL ?? null,
  workDlqUrl: e.WORK_DLQ_URL ?? null,
  region: e.AWS_REGION,
  sidecarSuffixes: e.SIDECAR_SUFFIXES,
  emitTextPdfMetadata: e.EMIT_TEXT_PDF_METADATA,
  probeSettings: { lossyBitDepth: e.LOSSY_BIT_DEPTH } satisfies ProbeSettings,
  settleSeconds: e.SETTLE_SECONDS,
  limits: {
    maxEntries: e.MAX_ENTRIES,
    maxVideos: e.MAX_VIDEOS,
    maxBytes: e.MAX_BYTES,
  } satisfies ImportLimits,
  // Null when unset: object URLs are the data bucket's own S3 URLs.
  objectUrlBase: e.OBJECT_URL_BASE ?? null,
  // The API's bearer token (an `sst.Secret` in AWS).
  apiToken: e.API_TOKEN ?? null,
  // The EventBridge bus outbound events go to; null: none are put on a bus.
  eventBusName: e.EVENT_BUS_NAME ?? null,
  // Where outbound events are POSTed (the local stack); null: no webhook.
  webhookUrl: e.WEBHOOK_URL ?? null,
  // The part of the data bucket the scheduled reconcile compares (the stage's key prefix); "" for all of it.
  reconcilePrefix: e.RECONCILE_PREFIX ?? "",
}));

/** Sluice's settings, parsed once at cold start and read nowhere else; `encord` is null (off) until configured. */
export type Config = z.output<typeof ConfigSchema> & { encord: EncordConfig | null };

/**
 * Parses the environment into Config, or throws ConfigError naming every bad key. Empty values count as unset.
 * `encordKey: "unused"` configures a function that never calls Encord (the exporter) without the key.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: EncordConfigOptions = {},
): Config {
  // Lambda and shells set keys to "" to clear them; treat that as absent so defaults apply.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = ConfigSchema.safeParse(present);
  const delivery = parseEncordConfig(present, options);
  if (!parsed.success || delivery.problems.length > 0) {
    const schemaProblems = parsed.success
      ? []
      : parsed.error.issues.map((issue) => ({
          key: String(issue.path[0] ?? "(environment)"),
          message: issue.message,
        }));
    throw new ConfigError([...schemaProblems, ...delivery.problems]);
  }
  return { ...parsed.data, encord: delivery.encord };
}

/** The URL an import entry gives for a data object: under OBJECT_URL_BASE, else the bucket's S3 URL. */
export function objectUrlOf(config: Config, key: string): string {
  if (config.objectUrlBase !== null) return objectUrlFromBase(config.objectUrlBase, key);
  return objectUrlFor({ bucket: config.dataBucket, region: config.region, key });
}
