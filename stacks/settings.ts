/** Deploy-time settings of a Sluice stack, read from the deployer's environment so that they do not depend on the stage. */
export interface StackSettings {
  /** An existing data bucket to use instead of creating one (`SLUICE_EXISTING_BUCKET`); never created, changed or deleted. */
  existingBucket: string | null;
  /** Only keys under this prefix reach the ingest queue (`SLUICE_KEY_PREFIX`). */
  keyPrefix: string | null;
  /** The KMS key of an SSE-KMS data bucket (`SLUICE_KMS_KEY_ARN`): readers of data objects get `kms:Decrypt` on it. */
  kmsKeyArn: string | null;
  /** An SNS topic that the alarms notify (`SLUICE_ALARM_TOPIC_ARN`). */
  alarmTopicArn: string | null;
  /** When the reconcile runs (`SLUICE_RECONCILE_SCHEDULE`, an EventBridge schedule expression; daily by default). */
  reconcileSchedule: `rate(${string})` | `cron(${string})`;
  /**
   * Delivery to Encord (design.md "Delivery to Encord"): the `ENCORD_*` settings passed to the functions
   * that deliver, when a folder and the integration are set; null (off) otherwise. The key is a secret.
   */
  encord: Record<string, string> | null;
  /** Function settings passed through as they are (design.md "User-facing conventions"); unset ones keep their defaults. */
  functionEnvironment: Record<string, string>;
}

// The handlers' optional settings (packages/aws/src/config.ts) that a deployer may set for every function.
const PASS_THROUGH = [
  "SIDECAR_SUFFIXES",
  "EMIT_TEXT_PDF_METADATA",
  "LOSSY_BIT_DEPTH",
  "SETTLE_SECONDS",
  "MAX_ENTRIES",
  "MAX_VIDEOS",
  "MAX_BYTES",
  "OBJECT_URL_BASE",
] as const;

/** Reads the stack settings; empty values count as unset, as they do for the handlers. */
export function readSettings(env: Readonly<Record<string, string | undefined>>): StackSettings {
  const value = (key: string) => {
    const raw = env[key]?.trim();
    return raw ? raw : null;
  };
  const functionEnvironment: Record<string, string> = {};
  for (const key of PASS_THROUGH) {
    const raw = value(key);
    if (raw !== null) functionEnvironment[key] = raw;
  }
  return {
    existingBucket: value("SLUICE_EXISTING_BUCKET"),
    keyPrefix: value("SLUICE_KEY_PREFIX"),
    kmsKeyArn: value("SLUICE_KMS_KEY_ARN"),
    alarmTopicArn: value("SLUICE_ALARM_TOPIC_ARN"),
    reconcileSchedule: scheduleOf(value("SLUICE_RECONCILE_SCHEDULE") ?? "rate(1 day)"),
    encord: encordSettings(value),
    functionEnvironment,
  };
}

function encordSettings(value: (key: string) => string | null): Record<string, string> | null {
  if ((value("ENCORD_FOLDER") ?? value("ENCORD_FOLDERS")) === null || value("ENCORD_INTEGRATION") === null)
    return null;
  const settings: Record<string, string> = {};
  for (const key of ["ENCORD_DOMAIN", "ENCORD_FOLDER", "ENCORD_FOLDERS", "ENCORD_INTEGRATION"]) {
    const raw = value(key);
    if (raw !== null) settings[key] = raw;
  }
  return settings;
}

/** A schedule expression as EventBridge takes it; anything else stops the deploy with the setting's name. */
function scheduleOf(raw: string): `rate(${string})` | `cron(${string})` {
  if (/^rate\(.+\)$/.test(raw)) return raw as `rate(${string})`;
  if (/^cron\(.+\)$/.test(raw)) return raw as `cron(${string})`;
  throw new Error(`SLUICE_RECONCILE_SCHEDULE must be rate(...) or cron(...), not "${raw}"`);
}

/** The settings of this deploy. */
export const settings = readSettings(process.env);
