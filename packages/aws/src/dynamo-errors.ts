import { TransientError, WriteConflictError } from "@sluice/core";
import { z } from "zod";
import { isTransientSdkError } from "./s3-errors";

// Parsed, not cast: anything can be thrown.
const NamedErrorSchema = z.object({ name: z.string() });

/** Whether a DynamoDB error is a failed condition expression (another writer got there first). */
export function isConditionFailed(error: unknown): boolean {
  const parsed = NamedErrorSchema.safeParse(error);
  return parsed.success && parsed.data.name === "ConditionalCheckFailedException";
}

/**
 * Maps a DynamoDB SDK error (after the SDK's own retries) to a core error, keeping it as `cause`: a failed
 * condition → WriteConflictError; throttling (ProvisionedThroughputExceeded, Throttling, RequestLimitExceeded),
 * 5xx, timeouts and network failures → TransientError; anything else is wrapped in a plain Error naming the call.
 */
export function toDynamoError(error: unknown, call: string): Error {
  if (isConditionFailed(error)) {
    return new WriteConflictError(`${call}: the item changed meanwhile`, { cause: error });
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (isTransientSdkError(error)) {
    return new TransientError(`transient DynamoDB failure: ${call}: ${detail}`, { cause: error });
  }
  return new Error(`DynamoDB call failed: ${call}: ${detail}`, { cause: error });
}

/** Runs one DynamoDB call, mapping what it throws with toDynamoError. */
export async function callDynamo<T>(call: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toDynamoError(error, call);
  }
}
