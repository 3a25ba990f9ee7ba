import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./error-response";

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
