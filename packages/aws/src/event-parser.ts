import { JSONStringified } from "@aws-lambda-powertools/parser/helpers";
import { S3EventNotificationEventBridgeSchema } from "@aws-lambda-powertools/parser/schemas";
import { type StorageEvent, StorageEventSchema } from "@sluice/core";
import { z } from "zod";

/** A message body that is not an S3 `Object Created`/`Object Deleted` event: permanent, never retried. */
export class EventParseError extends Error {
  override readonly name = "EventParseError";
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * An S3 object event as EventBridge delivers it (Powertools' schema), narrowed to the two detail
 * types Sluice's rule matches. `source-ip-address` is relaxed to any string: Powertools expects
 * IPv4 only, and an upload over IPv6 must not become a permanently rejected event.
 */
export const S3ObjectEventSchema = S3EventNotificationEventBridgeSchema.extend({
  source: z.literal("aws.s3"),
  "detail-type": z.enum(["Object Created", "Object Deleted"]),
  detail: S3EventNotificationEventBridgeSchema.shape.detail.extend({
    "source-ip-address": z.string().optional(),
  }),
});
export type S3ObjectEvent = z.infer<typeof S3ObjectEventSchema>;

const BodySchema = JSONStringified(S3ObjectEventSchema);

/** Converts a parsed EventBridge S3 event into core's StorageEvent; the key stays as the event carried it. */
export function toStorageEvent(event: S3ObjectEvent): StorageEvent {
  const { detail } = event;
  const candidate = {
    bucket: detail.bucket.name,
    rawKey: detail.object.key,
    kind: event["detail-type"] === "Object Created" ? "created" : "deleted",
    sequencer: detail.object.sequencer,
    etag: detail.object.etag,
    versionId: detail.object["version-id"],
    size: detail.object.size,
    reason: detail.reason,
    deletionType: detail["deletion-type"],
    time: event.time,
  };
  // The sequencer is optional in Powertools' schema but required to order writes (design.md "Records").
  const parsed = StorageEventSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new EventParseError(`not a usable S3 object event: ${describeIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * Parses an SQS message body holding an EventBridge `Object Created` or `Object Deleted` S3 event;
 * anything else throws EventParseError, which the batch handler acknowledges as permanent.
 */
export function parseStorageEventBody(body: string): StorageEvent {
  const parsed = BodySchema.safeParse(body);
  if (!parsed.success) {
    throw new EventParseError(
      `the message body is not an EventBridge S3 "Object Created"/"Object Deleted" event: ${describeIssues(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return toStorageEvent(parsed.data);
}

function describeIssues(error: z.ZodError): string {
  const lines = error.issues
    .slice(0, 5)
    .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message));
  const more = error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : "";
  return `${lines.join("; ")}${more}`;
}
