import type { Context } from "hono";
import type { z } from "zod";
import { errorResponse } from "./error-response";

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
