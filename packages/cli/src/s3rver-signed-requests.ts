import type { IncomingHttpHeaders } from "node:http";
import type S3rver from "s3rver";
import { isLoopbackHostHeader } from "./loopback-host";
import { type S3Refusal, s3rverError } from "./s3rver-error";

/** The parts of a request the guard reads. */
export interface S3Request {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
// <access key id>/<yyyymmdd>/<region>/s3/aws4_request: any key and region, as the local stack promises.
const CREDENTIAL = /^[^/\s]+\/(\d{8})\/[^/\s]+\/s3\/aws4_request$/;
const SIGNED_HEADERS = /^[a-z0-9-]+(;[a-z0-9-]+)*$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;
const WEEK_SECONDS = 604_800;

/**
 * What the local S3 refuses before s3rver sees a request, or null. s3rver lets anonymous requests
 * through and never checks a SigV4 signature, so anyone who can reach the port could write, a web page
 * included (a form POST needs no script). The local S3 keeps accepting any credentials, but only on a
 * request that carries a well-formed SigV4 signature (header or presigned query), addressed to a
 * loopback name (a DNS-rebound page is not), and never a browser's write: no form upload, and no
 * request other than GET/HEAD with an `Origin` header (browsers send one on every other method;
 * SDKs and CLIs never do).
 */
export function refusalOf(request: S3Request): S3Refusal | null {
  const { headers } = request;
  const method = (request.method ?? "GET").toUpperCase();
  if (!isLoopbackHostHeader(headers.host))
    return denied("the local S3 answers only requests addressed to 127.0.0.1 or localhost");
  if (headers.origin !== undefined && method !== "GET" && method !== "HEAD")
    return denied("the local S3 does not accept writes from web pages (requests with an Origin header)");
  if (/^multipart\/form-data\b/i.test(headers["content-type"] ?? ""))
    return denied("the local S3 does not accept browser form uploads (POST Object)");
  const url = request.url ?? "";
  const query = new URLSearchParams(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");
  return signatureRefusal(headers, query);
}

/** Puts the guard in front of every request the s3rver instance answers (before `run()`). */
export function requireSignedS3rverRequests(server: S3rver): void {
  // S3rver extends Koa, whose typings it omits: `middleware` is Koa's list, composed when run() listens.
  const app: unknown = server;
  if (!(typeof app === "object" && app !== null && "middleware" in app && Array.isArray(app.middleware)))
    throw new Error("s3rver has no Koa middleware list: cannot require signed requests");
  const guard = (ctx: { req: S3Request }, next: () => Promise<unknown>) => {
    const refusal = refusalOf(ctx.req);
    if (refusal) throw s3rverError(refusal.code, refusal.message);
    return next();
  };
  app.middleware.unshift(guard);
}

function signatureRefusal(headers: IncomingHttpHeaders, query: URLSearchParams): S3Refusal | null {
  const authorization = headers.authorization;
  const presigned = query.has("X-Amz-Algorithm");
  if (query.has("Signature") || query.has("AWSAccessKeyId") || /^AWS\s/.test(authorization ?? ""))
    return refusal(
      "InvalidRequest",
      "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
    );
  if (authorization !== undefined && presigned)
    return refusal(
      "InvalidArgument",
      "Only one auth mechanism allowed: the Authorization header or X-Amz-* query",
    );
  if (authorization !== undefined) return headerRefusal(authorization, headers["x-amz-date"]);
  if (presigned) return queryRefusal(query);
  return denied(
    "the local S3 refuses anonymous requests: sign them with Signature Version 4 (any access key and secret)",
  );
}

function headerRefusal(authorization: string, amzDate: string | string[] | undefined): S3Refusal | null {
  const malformed = (why: string) =>
    refusal("AuthorizationHeaderMalformed", `The authorization header is malformed; ${why}.`);
  const match = /^(\S+)\s+(.*)$/.exec(authorization.trim());
  if (match?.[1] !== ALGORITHM) return malformed(`the algorithm must be ${ALGORITHM}`);
  const parts = new Map(
    (match[2] ?? "").split(",").map((part) => {
      const [name = "", ...value] = part.trim().split("=");
      return [name, value.join("=")] as const;
    }),
  );
  if (parts.size !== 3 || !["Credential", "SignedHeaders", "Signature"].every((name) => parts.has(name)))
    return malformed("it requires exactly Credential, SignedHeaders and Signature");
  const date = typeof amzDate === "string" ? AMZ_DATE.exec(amzDate)?.[1] : undefined;
  return (
    scopeRefusal(parts.get("Credential"), date, malformed) ??
    signedRefusal(parts.get("SignedHeaders"), parts.get("Signature"), malformed)
  );
}

function queryRefusal(query: URLSearchParams): S3Refusal | null {
  const malformed = (why: string) =>
    refusal("AuthorizationQueryParametersError", `Query-string authentication is malformed; ${why}.`);
  if (query.get("X-Amz-Algorithm") !== ALGORITHM) return malformed(`X-Amz-Algorithm must be ${ALGORITHM}`);
  const date = AMZ_DATE.exec(query.get("X-Amz-Date") ?? "")?.[1];
  if (date === undefined) return malformed("X-Amz-Date must be yyyyMMdd'T'HHmmss'Z'");
  const expires = query.get("X-Amz-Expires") ?? "";
  if (!/^\d{1,6}$/.test(expires) || Number(expires) > WEEK_SECONDS)
    return malformed(`X-Amz-Expires must be a number of seconds up to ${WEEK_SECONDS}`);
  return (
    scopeRefusal(query.get("X-Amz-Credential") ?? undefined, date, malformed) ??
    signedRefusal(
      query.get("X-Amz-SignedHeaders") ?? undefined,
      query.get("X-Amz-Signature") ?? undefined,
      malformed,
    )
  );
}

function scopeRefusal(
  credential: string | undefined,
  date: string | undefined,
  malformed: (why: string) => S3Refusal,
): S3Refusal | null {
  const scope = CREDENTIAL.exec(credential ?? "");
  if (!scope) return malformed("the Credential must be <key>/<yyyymmdd>/<region>/s3/aws4_request");
  if (date !== undefined && scope[1] !== date)
    return malformed("the date of the Credential scope must be the request's date");
  return null;
}

function signedRefusal(
  signedHeaders: string | undefined,
  signature: string | undefined,
  malformed: (why: string) => S3Refusal,
): S3Refusal | null {
  if (!SIGNED_HEADERS.test(signedHeaders ?? "") || !(signedHeaders ?? "").split(";").includes("host"))
    return malformed("SignedHeaders must be lower-case names separated by ';' and include host");
  if (!SIGNATURE.test(signature ?? "")) return malformed("the Signature must be 64 hexadecimal digits");
  return null;
}

function denied(message: string): S3Refusal {
  return refusal("AccessDenied", message);
}

function refusal(code: string, message: string): S3Refusal {
  return { code, message };
}
