import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Why the local S3 refuses a request: one of S3's own error codes, with a message for people. */
export interface S3Refusal {
  code: string;
  message: string;
}

/**
 * One of s3rver's own S3 errors: thrown anywhere in a request, s3rver answers it as S3 does, with the
 * code's status and an XML `<Error>` body (its status table knows every code S3 documents).
 */
export function s3rverError(code: string, message: string, detail: Record<string, string> = {}): Error {
  const S3Error: unknown = require("s3rver/lib/models/error");
  if (typeof S3Error !== "function") throw new Error("s3rver's S3Error has an unexpected shape");
  const error: unknown = Reflect.construct(S3Error, [code, message, detail]);
  if (!(error instanceof Error)) throw new Error("s3rver's S3Error is not an Error");
  return error;
}
