import { z } from "zod";
import { scheduleProblem } from "./schedule";

/**
 * Deploy-time settings of a Sluice stack, per stage, from the committed file `sluice.stages.json`: a redeploy
 * from any shell declares the same resources (the deployer's environment is not read, but for `SLUICE_CONFIRM`).
 */
export interface StackSettings {
  /** The AWS region of the stage (sst.config.ts gives it to the AWS provider); null: the deployer's AWS configuration. */
  region: string | null;
  /** An existing data bucket to use instead of creating one; never created, changed or deleted. */
  existingBucket: string | null;
  /** Only keys under this prefix reach the ingest queue. */
  keyPrefix: string | null;
  /** The KMS key of an SSE-KMS data bucket: readers of data objects get `kms:Decrypt` on it. */
  kmsKeyArn: string | null;
  /** An SNS topic that the alarms notify. */
  alarmTopicArn: string | null;
  /** When the reconcile runs: an EventBridge Scheduler expression, checked against AWS's grammar; daily by default. */
  reconcileSchedule: `rate(${string})` | `cron(${string})`;
  /**
   * Delivery to Encord (design.md "Delivery to Encord"): the `ENCORD_*` variables of the functions that deliver,
   * or null (off). The key is the `EncordSshKey` secret.
   */
  encord: Record<string, string> | null;
  /** Handler settings passed to every function (packages/aws/src/config.ts); unset ones keep their defaults. */
  functionEnvironment: Record<string, string>;
}

/** The settings file, at the project root. */
export const STAGES_FILE = "sluice.stages.json";

// The handlers' optional settings (packages/aws/src/config.ts) that a stage may set for every function.
const FUNCTION_SETTINGS = [
  "SIDECAR_SUFFIXES",
  "EMIT_TEXT_PDF_METADATA",
  "LOSSY_BIT_DEPTH",
  "SETTLE_SECONDS",
  "MAX_ENTRIES",
  "MAX_VIDEOS",
  "MAX_BYTES",
  "OBJECT_URL_BASE",
] as const;

const text = z.string().trim().min(1, "must not be empty");
const uuid = z.uuid("must be a UUID");
// S3's bucket naming rules (general purpose buckets).
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "is not an S3 bucket name (3-63 of a-z 0-9 . -)");
const arnOf = (service: string, what: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:.+$`), `is not ${what} ARN`);

const EncordSettingsSchema = z
  .object({
    folder: uuid.optional(),
    folders: z.record(text, uuid).optional(),
    integration: uuid.optional(),
    domain: z
      .string()
      .refine(
        (v) => v === "eu" || v === "us" || /^https?:\/\/[^/]+/.test(v),
        'must be "eu", "us" or an http(s) URL',
      )
      .optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    // Half a configuration would deploy with delivery silently off: name what is missing instead.
    if (value.folder === undefined && value.folders === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["folder"],
        message: "is required to deliver to Encord (or folders)",
      });
    if (value.integration === undefined)
      ctx.addIssue({ code: "custom", path: ["integration"], message: "is required to deliver to Encord" });
  });

/** One stage's entry in `sluice.stages.json`; every key is optional and unknown keys are errors. */
export const StageSettingsSchema = z
  .object({
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "is not an AWS region (like eu-west-1)")
      .optional(),
    existingBucket: bucketName.optional(),
    keyPrefix: text.optional(),
    kmsKeyArn: arnOf("kms", "a KMS key").optional(),
    alarmTopicArn: arnOf("sns", "an SNS topic").optional(),
    reconcileSchedule: z
      .string()
      .superRefine((value, ctx) => {
        const problem = scheduleProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    encord: EncordSettingsSchema.optional(),
    environment: z.partialRecord(z.enum(FUNCTION_SETTINGS), text).optional(),
  })
  .strict();

/** The whole file: stage name → settings; keys starting with `$` (`$comment`) are notes. */
const StagesFileSchema = z.record(z.string(), z.unknown());

/** Thrown for a settings file that cannot be used; the message lists every problem. */
export class StageSettingsError extends Error {
  override readonly name = "StageSettingsError";
}

/** Reads and validates one stage's settings from the file's text; throws one error listing every problem. */
export function parseStageSettings(fileText: string, stage: string): StackSettings {
  let json: unknown;
  try {
    json = JSON.parse(fileText);
  } catch (error) {
    throw new StageSettingsError(`${STAGES_FILE} is not JSON: ${(error as Error).message}`);
  }
  const file = StagesFileSchema.safeParse(json);
  if (!file.success) throw new StageSettingsError(`${STAGES_FILE} must be an object of stage names`);
  const stages = Object.keys(file.data).filter((key) => !key.startsWith("$"));
  if (!(stage in file.data) || stage.startsWith("$"))
    throw new StageSettingsError(
      `${STAGES_FILE} has no stage "${stage}" (it has: ${stages.join(", ") || "none"}). Add "${stage}": {} for a new data bucket with the defaults; README "Deploying to AWS" lists the settings.`,
    );
  const parsed = StageSettingsSchema.safeParse(file.data[stage]);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = [stage, ...issue.path.map(String)].join(".");
      const message =
        issue.code === "unrecognized_keys" ? `unknown setting(s) ${issue.keys.join(", ")}` : issue.message;
      return `  ${path}: ${message}`;
    });
    throw new StageSettingsError(`${STAGES_FILE} has ${problems.length} problem(s):\n${problems.join("\n")}`);
  }
  const s = parsed.data;
  return {
    region: s.region ?? null,
    existingBucket: s.existingBucket ?? null,
    keyPrefix: s.keyPrefix ?? null,
    kmsKeyArn: s.kmsKeyArn ?? null,
    alarmTopicArn: s.alarmTopicArn ?? null,
    reconcileSchedule: (s.reconcileSchedule ?? "rate(1 day)") as StackSettings["reconcileSchedule"],
    encord: s.encord ? encordEnvironmentOf(s.encord) : null,
    functionEnvironment: { ...s.environment },
  };
}

function encordEnvironmentOf(encord: z.infer<typeof EncordSettingsSchema>): Record<string, string> {
  const env: Record<string, string> = {};
  if (encord.domain) env.ENCORD_DOMAIN = encord.domain;
  if (encord.folder) env.ENCORD_FOLDER = encord.folder;
  if (encord.folders)
    env.ENCORD_FOLDERS = Object.entries(encord.folders)
      .map(([prefix, folder]) => `${prefix}=${folder}`)
      .join(",");
  if (encord.integration) env.ENCORD_INTEGRATION = encord.integration;
  return env;
}
