import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One detail of an error response: the field (`path`, "" for the whole request) and what is wrong with it. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The body of every error response (design.md "HTTP API"). */
export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/** An error response with the house shape. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: readonly ErrorDetail[],
): Response {
  const body: ErrorBody = { error: { code, message, ...(details ? { details: [...details] } : {}) } };
  return c.json(body, status);
}
