import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UsageError } from "./errors";

/** The local stack's settings (design.md "Interfaces", Local stack); ports may be 0 for any free port. */
export interface LocalSettings {
  port: number;
  s3Port: number;
  dynamodbPort: number;
  bucket: string;
  exportsBucket: string;
  dataDir: string;
  /** Null when unset: the stack generates one and keeps it in the data directory. */
  apiToken: string | null;
  /** The pipeline's own settings passed through to parseConfig as they are (SIDECAR_SUFFIXES and the like). */
  passThrough: Record<string, string | undefined>;
}

const PASS_THROUGH = [
  "SIDECAR_SUFFIXES",
  "EMIT_TEXT_PDF_METADATA",
  "LOSSY_BIT_DEPTH",
  "MAX_ENTRIES",
  "MAX_VIDEOS",
  "MAX_BYTES",
  "OBJECT_URL_BASE",
  "WEBHOOK_URL",
  "ENCORD_DOMAIN",
  "ENCORD_FOLDER",
  "ENCORD_FOLDERS",
  "ENCORD_INTEGRATION",
  "ENCORD_SSH_KEY_FILE",
] as const;

/** Reads the local stack's environment, with design.md's defaults; a bad port is a UsageError. */
export function parseLocalSettings(env: Readonly<Record<string, string | undefined>>): LocalSettings {
  const text = (name: string, fallback: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? fallback : value;
  };
  return {
    port: port(env, "PORT", 3000),
    s3Port: port(env, "S3_PORT", 4569),
    dynamodbPort: port(env, "DYNAMODB_PORT", 4567),
    bucket: text("BUCKET", "ingest"),
    exportsBucket: text("EXPORTS_BUCKET", "sluice-exports"),
    dataDir: resolve(text("DATA_DIR", ".data")),
    apiToken: text("API_TOKEN", "") || null,
    passThrough: Object.fromEntries(PASS_THROUGH.map((name) => [name, env[name]])),
  };
}

function port(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535)
    throw new UsageError(`${name} must be a port (0-65535), got "${value}"`);
  return n;
}

/**
 * The API token: API_TOKEN when set, else the one kept in DATA_DIR/api-token, else a new random one
 * written there, so that a restart keeps the token that scripts already use.
 */
export async function resolveApiToken(settings: LocalSettings): Promise<string> {
  if (settings.apiToken !== null) return settings.apiToken;
  const file = join(settings.dataDir, "api-token");
  try {
    const kept = (await readFile(file, "utf8")).trim();
    if (kept !== "") return kept;
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
  const token = randomBytes(32).toString("base64url");
  await mkdir(settings.dataDir, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}
