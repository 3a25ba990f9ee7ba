import { z } from "zod";

/** Which failure an Encord call hit, after the SDK's exception classes (§3.2) plus transport failures. */
export type EncordErrorCode =
  | "InvalidArguments"
  | "Authentication"
  | "Authorisation"
  | "ResourceNotFound"
  | "MethodNotAllowed"
  | "PayloadTooLarge"
  | "RateLimitExceeded"
  | "Unknown"
  | "ConnectionFailed"
  | "InvalidResponse";

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** An Encord API call failed; `status` is 0 when no response arrived. */
export class EncordApiError extends Error {
  override readonly name = "EncordApiError";
  readonly status: number;
  readonly code: EncordErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly retryable: boolean;

  constructor(
    fields: { status: number; code: EncordErrorCode; message: string; retryAfterSeconds?: number },
    options?: { cause?: unknown },
  ) {
    super(fields.message, options);
    this.status = fields.status;
    this.code = fields.code;
    this.retryAfterSeconds = fields.retryAfterSeconds;
    this.retryable = fields.code === "ConnectionFailed" || RETRYABLE_STATUSES.has(fields.status);
  }
}

/** Whether a response status is one the retried requests try again on (§4.3). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Reads `Retry-After` as whole seconds from now, accepting delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

// FastAPI answers with `detail` (sometimes a list of validation errors); Encord's own handlers use `message`.
const ErrorBodySchema = z.object({ message: z.string().optional().catch(undefined), detail: z.unknown() });

const FIXED_MESSAGES: Record<number, string> = {
  404: "The requested resource was not found, or the key cannot see it",
  405: "The HTTP method is not allowed on this route",
};

const CODES: Record<number, EncordErrorCode> = {
  400: "InvalidArguments",
  401: "Authentication",
  403: "Authorisation",
  404: "ResourceNotFound",
  405: "MethodNotAllowed",
  413: "PayloadTooLarge",
  429: "RateLimitExceeded",
};

/** Maps a non-2xx response to an `EncordApiError`, reading the server's `message` or `detail`. */
export async function toEncordApiError(
  response: Response,
  request: string,
  retryAfterSeconds: number | undefined,
): Promise<EncordApiError> {
  const text = await response.text().catch(() => "");
  const code = CODES[response.status] ?? "Unknown";
  const detail = FIXED_MESSAGES[response.status] ?? serverMessage(text) ?? `HTTP ${response.status}`;
  return new EncordApiError({
    status: response.status,
    code,
    message: `Encord ${request} failed with ${response.status}: ${detail}`,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

function serverMessage(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.trim() === "" ? undefined : text.trim().slice(0, 500);
  }
  const parsed = ErrorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  if (parsed.data.message !== undefined) return parsed.data.message;
  const detail = parsed.data.detail;
  if (detail === undefined || detail === null) return undefined;
  return typeof detail === "string" ? detail : JSON.stringify(detail).slice(0, 500);
}
