import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { errorResponse } from "./error-response";

// One challenge and one answer whether the header is missing, malformed or holds another token.
const CHALLENGE = { wwwAuthenticateHeader: 'Bearer realm="sluice"' };
const refuse = (c: Context) => errorResponse(c, 401, "unauthorized", "a valid bearer token is required");

/**
 * Requires `Authorization: Bearer <token>`: Hono's bearerAuth, which compares SHA-256 digests in constant
 * time, answering the house 401 body where it would answer a bare 401 (or a 400 for a malformed header).
 */
export function requireBearerToken(token: string): MiddlewareHandler {
  return bearerAuth({
    token,
    noAuthenticationHeader: { ...CHALLENGE, message: refuse },
    invalidAuthenticationHeader: { ...CHALLENGE, message: refuse },
    invalidToken: { ...CHALLENGE, message: refuse },
  });
}
