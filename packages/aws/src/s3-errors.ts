import {
  AccessDeniedError,
  InvalidCursorError,
  KeyTooLongError,
  NotFoundError,
  TransientError,
} from "@sluice/core";
import { z } from "zod";

/** The S3 call that failed, named in every mapped error's message. */
export interface S3Target {
  operation: string;
  bucket: string;
  key?: string;
  /** The continuation token a listing was given, if any. */
  cursor?: string | null;
}

/** The object changed between its HEAD and a ranged read (`If-Match` failed); a retry reads the new version. */
export class ObjectChangedError extends TransientError {
  override readonly name = "ObjectChangedError";
}

// What the SDK puts on its errors; parsed, not cast, because anything can be thrown.
// Each field falls back to undefined on its own, so one odd field does not hide the others.
const SdkErrorSchema = z.object({
  name: z.string().optional().catch(undefined),
  code: z.string().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  $metadata: z
    .object({ httpStatusCode: z.number().optional().catch(undefined) })
    .optional()
    .catch(undefined),
  $retryable: z.unknown().optional(),
  cause: z.unknown().optional(),
});

// The SDK's own retry classification (@smithy/core retry), which is not a direct dependency here.
const THROTTLING_NAMES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "PriorRequestNotComplete",
]);
const TIMEOUT_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);
const NOT_FOUND_NAMES = new Set(["NoSuchKey", "NotFound", "NoSuchVersion"]);

/** Whether an SDK error says the object does not exist (404, `NoSuchKey`, `NotFound`). */
export function isNotFoundSdkError(error: unknown): boolean {
  const e = SdkErrorSchema.safeParse(error);
  if (!e.success || e.data.name === "NoSuchBucket") return false;
  return e.data.$metadata?.httpStatusCode === 404 || NOT_FOUND_NAMES.has(e.data.name ?? "");
}

/** Whether an SDK error is S3's answer to a range on an empty object (416, `InvalidRange`). */
export function isInvalidRangeSdkError(error: unknown): boolean {
  const e = SdkErrorSchema.safeParse(error);
  return e.success && (e.data.name === "InvalidRange" || e.data.$metadata?.httpStatusCode === 416);
}

/** Whether an SDK error may pass on retry: throttling, 5xx, timeouts and network failures. */
export function isTransientSdkError(error: unknown, depth = 0): boolean {
  const parsed = SdkErrorSchema.safeParse(error);
  if (!parsed.success || parsed.data.name === "AbortError") return false;
  const { name = "", code = "", $metadata, $retryable, cause } = parsed.data;
  const status = $metadata?.httpStatusCode ?? 0;
  return (
    $retryable !== undefined ||
    TRANSIENT_STATUSES.has(status) ||
    THROTTLING_NAMES.has(name) ||
    TIMEOUT_NAMES.has(name) ||
    NETWORK_CODES.has(code) ||
    (cause !== undefined && depth < 5 && isTransientSdkError(cause, depth + 1))
  );
}

/**
 * Maps an S3 SDK error to a core error, keeping it as `cause`: 404 → NotFoundError, `KeyTooLongError`
 * → KeyTooLongError (a NotFoundError), 403 → AccessDeniedError, `InvalidArgument` on a listing given a
 * cursor → InvalidCursorError, 412 (`If-Match`) → ObjectChangedError, throttling/5xx/timeouts/network →
 * TransientError. Anything else is wrapped in a plain, non-retryable Error naming the call.
 */
export function toS3DomainError(error: unknown, target: S3Target): Error {
  const where = target.key === undefined ? `s3://${target.bucket}` : `s3://${target.bucket}/${target.key}`;
  const parsed = SdkErrorSchema.safeParse(error);
  const name = parsed.success ? (parsed.data.name ?? "") : "";
  const status = parsed.success ? parsed.data.$metadata?.httpStatusCode : undefined;
  const detail = `${target.operation} ${where}: ${describe(error)}`;
  if (name === "NoSuchBucket") {
    return new NotFoundError(`${target.operation} ${where}: the bucket ${target.bucket} does not exist`, {
      cause: error,
    });
  }
  // A key no object can have reads as absent, but says why (S3 answers 400, not 404).
  if (name === "KeyTooLongError") {
    const message = `${where}: the key is too long for the store (KeyTooLongError), so no object can exist under it`;
    return new KeyTooLongError(message, { cause: error });
  }
  if (isNotFoundSdkError(error)) return new NotFoundError(`${where} does not exist`, { cause: error });
  // The one argument of a listing that callers pass through from outside; its message names no bucket.
  if (target.cursor && name === "InvalidArgument")
    return new InvalidCursorError("the cursor was not given out by this listing", { cause: error });
  // An archived object answers 403 InvalidObjectState: not a permission problem, so not AccessDenied.
  if ((status === 403 || name === "AccessDenied") && name !== "InvalidObjectState") {
    return new AccessDeniedError(
      `access denied: ${detail}. The data bucket must grant Sluice s3:GetObject on its objects and ` +
        "s3:ListBucket on the bucket (without s3:ListBucket a missing object answers 403, not 404)",
      { cause: error },
    );
  }
  if (status === 412 || name === "PreconditionFailed") {
    return new ObjectChangedError(`${where} changed while it was being read; it will be read again`, {
      cause: error,
    });
  }
  if (isTransientSdkError(error))
    return new TransientError(`transient S3 failure: ${detail}`, { cause: error });
  return new Error(`S3 call failed: ${detail}`, { cause: error });
}

function describe(error: unknown): string {
  const parsed = SdkErrorSchema.safeParse(error);
  if (!parsed.success) return String(error);
  const { name, message, $metadata } = parsed.data;
  const status = $metadata?.httpStatusCode === undefined ? "" : ` (HTTP ${$metadata.httpStatusCode})`;
  return `${name ?? "Error"}${status}${message ? `: ${message}` : ""}`;
}
