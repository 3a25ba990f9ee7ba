import type { KeyObject } from "node:crypto";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { EncordApiError, isRetryableStatus, parseRetryAfter, toEncordApiError } from "./encord-errors";
import { signRequest } from "./sign-request";

/** The slice of `fetch` the client uses; `globalThis.fetch` fits, and tests inject a fake. */
export type EncordFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Everything a request needs besides its own description. */
export interface EncordTransport {
  origin: string;
  key: KeyObject;
  keyId: string;
  fetch: EncordFetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  userAgent: string;
}

/**
 * How a request may be re-sent: `retry` on 429/5xx/connection errors, or `connect-only`, for calls that are not
 * idempotent (job creation), which re-sends only when the connection failed before any byte could be sent.
 */
export type RetryPolicy = "retry" | "connect-only";

/** One Encord v2 call: a route below `/v2/public/`, an optional JSON body, its retry policy and timeout. */
export interface EncordRequest {
  method: "GET" | "POST" | "PUT" | "PATCH";
  route: string;
  query?: Record<string, string>;
  body?: unknown;
  retry: RetryPolicy;
  timeoutMs: number;
}

/** At most three re-sends, as the SDK's urllib3 `Retry(total=3)`. */
export const MAX_RETRIES = 3;
// urllib3 backoff with factor 1.5: nothing before the first retry, then 3 s and 6 s.
const BACKOFF_MS = [0, 3_000, 6_000];
// A longer Retry-After is not slept on inside a Lambda; the error carries it so the caller can reschedule.
const MAX_RETRY_AFTER_SECONDS = 60;
// Errors a socket reports while connecting, so the request line was never written (undici puts them on `cause.code`).
const CONNECT_PHASE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const FetchFailureSchema = z.object({ cause: z.object({ code: z.string() }) });

/** Sends one signed request with the retry policy, returning the parsed JSON body (undefined for an empty one). */
export async function sendEncordRequest(
  transport: EncordTransport,
  request: EncordRequest,
): Promise<unknown> {
  const url = new URL(`/v2/public/${request.route}`, transport.origin);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  // Serialised once: the digest must cover the exact bytes sent on every attempt.
  const body = request.body === undefined ? null : JSON.stringify(request.body);
  const label = `${request.method} ${url.pathname}`;
  for (let attempt = 0; ; attempt += 1) {
    let response: Response;
    try {
      response = await transport.fetch(url.href, {
        method: request.method,
        headers: headersFor(transport, request.method, url, body),
        ...(body === null ? {} : { body }),
        signal: AbortSignal.timeout(request.timeoutMs),
      });
    } catch (error) {
      if (attempt < MAX_RETRIES && mayResendAfter(error, request.retry)) {
        await transport.sleep(BACKOFF_MS[attempt] ?? 0);
        continue;
      }
      throw new EncordApiError(
        {
          status: 0,
          code: "ConnectionFailed",
          message: `Encord ${label} failed before a response: ${describe(error)}`,
        },
        { cause: error },
      );
    }
    if (response.ok) return readJson(response, label);
    const retryAfter = parseRetryAfter(response.headers.get("retry-after"), transport.now());
    const waitable = retryAfter === undefined || retryAfter <= MAX_RETRY_AFTER_SECONDS;
    if (
      request.retry === "retry" &&
      attempt < MAX_RETRIES &&
      isRetryableStatus(response.status) &&
      waitable
    ) {
      await response.body?.cancel();
      await transport.sleep(retryAfter === undefined ? (BACKOFF_MS[attempt] ?? 0) : retryAfter * 1000);
      continue;
    }
    throw await toEncordApiError(response, label, retryAfter);
  }
}

// Signed per attempt so `created` is fresh; −30 s because the server rejects timestamps even slightly ahead.
function headersFor(
  transport: EncordTransport,
  method: string,
  url: URL,
  body: string | null,
): Record<string, string> {
  const createdSeconds = Math.floor(transport.now() / 1000) - 30;
  return {
    ...signRequest({ method, url, body, key: transport.key, keyId: transport.keyId, createdSeconds }),
    ...(body === null ? {} : { "Content-Type": "application/json" }),
    "User-Agent": transport.userAgent,
    // Google Cloud trace format, so a failing request can be quoted to Encord support.
    "X-Cloud-Trace-Context": `${randomUUID().replaceAll("-", "")}/1;o=1`,
  };
}

function mayResendAfter(error: unknown, policy: RetryPolicy): boolean {
  if (policy === "retry") return true;
  const parsed = FetchFailureSchema.safeParse(error);
  return parsed.success && CONNECT_PHASE_CODES.has(parsed.data.cause.code);
}

async function readJson(response: Response, label: string): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EncordApiError(
      {
        status: response.status,
        code: "InvalidResponse",
        message: `Encord ${label} answered with a body that is not JSON`,
      },
      { cause: error },
    );
  }
}

function describe(error: unknown): string {
  const parsed = FetchFailureSchema.safeParse(error);
  if (parsed.success) return parsed.data.cause.code;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
