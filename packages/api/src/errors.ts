import { createHash, timingSafeEqual } from "node:crypto";
import {
  AccessDeniedError,
  InvalidCursorError,
  KeyTooLongError,
  NotFoundError,
  TransientError,
  WriteConflictError,
} from "@sluice/core";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { jobAdmissionResponse } from "./job-admission-errors";

/** The body of every error response (design.md "HTTP API"). */
export interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

/** An error response with the house shape. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: { path: string; message: string }[],
): Response {
  const body: ErrorBody = { error: { code, message, ...(details ? { details } : {}) } };
  return c.json(body, status);
}

/** The zod-openapi hook: a failed validation answers 400 with one detail per field. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const details = result.error.issues.map((found) => ({
    path: found.path.map(String).join("."),
    message: found.message,
  }));
  return errorResponse(c, 400, "invalid-request", "the request is invalid", details);
}

const SECONDS_BEFORE_RETRY = "1";

/** Maps any thrown error to a response: domain errors to their status, anything else to a logged 500. */
export function toErrorResponse(
  error: Error,
  c: Context,
  logError: (message: string, details: Record<string, unknown>) => void,
): Response {
  if (error instanceof HTTPException) {
    return errorResponse(c, error.status, codeOf(error.status), error.message || "request failed");
  }
  if (error instanceof InvalidRequestError) {
    return errorResponse(c, 400, error.code, error.message, error.details);
  }
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

/** Requires `Authorization: Bearer <token>`, compared in constant time over equal-length digests. */
export function bearerAuth(token: string): MiddlewareHandler {
  const expected = digest(token);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="sluice"');
      return errorResponse(c, 401, "unauthorized", "a valid bearer token is required");
    }
    await next();
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * A request that passed the zod schemas but breaks a rule checked later (the metadata schema, the
 * sidecar limits): a 400, with `invalid-request` or the code of the rule it breaks.
 */
export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequestError";
  readonly retryable = false;
  constructor(
    message: string,
    readonly details: { path: string; message: string }[],
    readonly code = "invalid-request",
  ) {
    super(message);
  }
}

/**
 * Refuses a request without a JSON body: the validator skips a body that is not declared JSON, and an
 * empty `PUT` must not clear a schema or a metadata layer.
 */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(c.req.header("content-type") ?? "")) {
    const details = [{ path: "", message: "send a JSON body with Content-Type: application/json" }];
    return errorResponse(c, 400, "invalid-request", "the body must be JSON", details);
  }
  await next();
};
