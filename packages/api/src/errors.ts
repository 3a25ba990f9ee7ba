import {
  AccessDeniedError,
  InvalidCursorError,
  InvalidInputError,
  KeyTooLongError,
  NotFoundError,
  TransientError,
  WriteConflictError,
} from "@sluice/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { errorResponse } from "./error-response";
import { jobAdmissionResponse } from "./job-admission-errors";

const SECONDS_BEFORE_RETRY = "1";

/** Maps any thrown error to a response: domain errors to their status, anything else to a logged 500. */
export function toErrorResponse(
  error: Error,
  c: Context,
  logError: (message: string, details: Record<string, unknown>) => void,
): Response {
  if (error instanceof HTTPException) {
    // Hono's middleware (bearerAuth) throws with the response it means, headers included.
    if (error.res) return error.getResponse();
    return errorResponse(c, error.status, codeOf(error.status), error.message || "request failed");
  }
  if (error instanceof InvalidInputError)
    return errorResponse(c, 400, error.code, error.message, error.problems);
  // Storage errors name buckets and keys (s3://…): their messages go to the log, never into a response.
  if (error instanceof KeyTooLongError)
    return errorResponse(c, 400, "key-too-long", "the key is longer than the storage accepts");
  if (error instanceof NotFoundError) return errorResponse(c, 404, "not-found", error.message);
  if (error instanceof InvalidCursorError) return errorResponse(c, 400, "invalid-cursor", error.message);
  if (error instanceof AccessDeniedError) {
    logError("storage refused access", { name: error.name, message: error.message, path: c.req.path });
    return errorResponse(c, 403, "access-denied", "Sluice was refused access to its storage");
  }
  if (error instanceof WriteConflictError) return errorResponse(c, 409, "write-conflict", error.message);
  const refusedJob = jobAdmissionResponse(error, c);
  if (refusedJob) return refusedJob;
  if (error instanceof TransientError) {
    c.header("Retry-After", SECONDS_BEFORE_RETRY);
    return errorResponse(
      c,
      503,
      "unavailable",
      "a service Sluice depends on is busy or unreachable; retry shortly",
    );
  }
  // The stack stays out of logs and responses: name and message are enough to find the cause.
  logError("unexpected error in the API", { name: error.name, message: error.message, path: c.req.path });
  return errorResponse(c, 500, "internal", "internal error");
}

function codeOf(status: number): string {
  if (status === 400) return "invalid-request";
  if (status === 401) return "unauthorized";
  if (status === 404) return "not-found";
  if (status === 413) return "payload-too-large";
  if (status === 415) return "unsupported-media-type";
  return status >= 500 ? "internal" : "request-failed";
}
