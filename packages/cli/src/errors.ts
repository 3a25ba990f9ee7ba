import { AccessDeniedError, isRetryable, NotFoundError } from "@sluice/core";

/** A mistake in how the command was called or in what it was given; shown as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly retryable = false;
}

/** What the command prints for a failure, and the exit code it ends with. */
export interface Explained {
  line: string;
  exitCode: 1 | 2;
}

const REFUSED: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/**
 * Turns a failure into one line: the user's mistakes (the command, its files, missing credentials,
 * a bucket that does not exist, access refused, an endpoint nothing listens on) exit 2; a failure
 * that may pass on retry (a timeout, throttling) exits 1 and says so; anything else is unexpected.
 */
export function explainFailure(error: unknown): Explained {
  if (error instanceof UsageError) return { line: error.message, exitCode: 2 };
  if (causes(error).some((c) => nameOf(c) === "CredentialsProviderError")) {
    return {
      line:
        "no AWS credentials found: set AWS_PROFILE (a profile in ~/.aws/config), or AWS_ACCESS_KEY_ID and " +
        "AWS_SECRET_ACCESS_KEY (with --endpoint, a local S3, any values do)",
      exitCode: 2,
    };
  }
  const network = causes(error).find((c) => REFUSED[codeOf(c)] !== undefined);
  if (network !== undefined) {
    const where = addressOf(network);
    return {
      line: `cannot connect to S3${where ? ` at ${where}` : ""}: ${REFUSED[codeOf(network)]} (check --endpoint, that the server is running, and the network)`,
      exitCode: 2,
    };
  }
  if (error instanceof NotFoundError || error instanceof AccessDeniedError)
    return { line: error.message, exitCode: 2 };
  if (isRetryable(error)) {
    const timedOut = causes(error).some((c) => nameOf(c) === "TimeoutError");
    const advice = timedOut ? "run it again, or allow more time with --timeout SECONDS" : "run it again";
    return { line: `${messageOf(error)}; this may pass on retry: ${advice}`, exitCode: 1 };
  }
  return { line: `unexpected error: ${messageOf(error)}`, exitCode: 1 };
}

/** The error and its causes (`cause`, and the `errors` of an AggregateError), nearest first. */
function causes(error: unknown, depth = 0): unknown[] {
  if (typeof error !== "object" || error === null || depth > 5) return [];
  const nested = [
    ...("cause" in error ? [error.cause] : []),
    ...("errors" in error && Array.isArray(error.errors) ? error.errors : []),
  ];
  return [error, ...nested.flatMap((e) => causes(e, depth + 1))];
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : "";
}

function codeOf(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
}

/** `127.0.0.1:9` from a Node network error, or the host name it could not find. */
function addressOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return "";
  const address =
    "address" in error ? String(error.address) : "hostname" in error ? String(error.hostname) : "";
  const port = "port" in error ? `:${String(error.port)}` : "";
  return address ? `${address}${port}` : "";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
