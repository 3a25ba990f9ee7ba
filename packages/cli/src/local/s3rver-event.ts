import type { S3EventNotificationEventBridge } from "@aws-lambda-powertools/parser/types";
import { encodeEventKey } from "@sluice/core";
import { z } from "zod";

/** One record of the S3 notification that s3rver emits as its `event` (toolchain.md §3.2). */
export const S3rverRecordSchema = z.object({
  eventName: z.enum([
    "ObjectCreated:Put",
    "ObjectCreated:Post",
    "ObjectCreated:Copy",
    "ObjectRemoved:Delete",
  ]),
  eventTime: z.string(),
  requestParameters: z.object({ sourceIPAddress: z.string() }).partial().optional(),
  responseElements: z.object({ "x-amz-request-id": z.string() }).partial().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      sequencer: z.string().regex(/^[0-9A-Fa-f]{1,12}$/),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
    }),
  }),
});
export type S3rverRecord = z.infer<typeof S3rverRecordSchema>;

/** The whole payload of s3rver's `event`. */
export const S3rverEventSchema = z.object({ Records: z.array(S3rverRecordSchema) });

// s3rver reports multipart completion (and form POSTs, which the SDK never sends) as ObjectCreated:Post.
const REASONS = {
  "ObjectCreated:Put": "PutObject",
  "ObjectCreated:Post": "CompleteMultipartUpload",
  "ObjectCreated:Copy": "CopyObject",
  "ObjectRemoved:Delete": "DeleteObject",
} as const;

/** What the bridge stamps on events that s3rver cannot know. */
export interface BridgeIdentity {
  account: string;
  region: string;
}

/**
 * Converts one s3rver record into the EventBridge event that AWS puts on the SQS queue, re-encoding the
 * raw key as S3 does so that the handler's one decoder (`decodeEventKey`) serves AWS and local alike.
 */
export function toEventBridgeS3Event(
  record: S3rverRecord,
  stamp: BridgeIdentity & { id: string; sequencer: string },
): S3EventNotificationEventBridge {
  const { bucket, object } = record.s3;
  const deleted = record.eventName === "ObjectRemoved:Delete";
  const ip = record.requestParameters?.sourceIPAddress;
  return {
    version: "0",
    id: stamp.id,
    "detail-type": deleted ? "Object Deleted" : "Object Created",
    source: "aws.s3",
    account: stamp.account,
    // EventBridge times have whole seconds.
    time: `${record.eventTime.slice(0, 19)}Z`,
    region: stamp.region,
    resources: [`arn:aws:s3:::${bucket.name}`],
    detail: {
      version: "0",
      bucket: { name: bucket.name },
      object: {
        key: encodeEventKey(object.key),
        ...(deleted ? {} : { size: object.size, etag: object.eTag }),
        sequencer: stamp.sequencer,
      },
      "request-id": record.responseElements?.["x-amz-request-id"] ?? stamp.id.slice(0, 16).toUpperCase(),
      requester: stamp.account,
      ...(ip !== undefined && z.ipv4().safeParse(ip).success ? { "source-ip-address": ip } : {}),
      reason: REASONS[record.eventName],
      // s3rver buckets are unversioned, where a delete removes the object for good.
      ...(deleted ? { "deletion-type": "Permanently Deleted" } : {}),
    },
  };
}

let lastMillis = 0;
let counter = 0;

/**
 * Makes a strictly increasing sequencer (across all keys, per process) from s3rver's, which is only
 * `Date.now()` in hex, so two writes in one millisecond would tie: 12 hex digits of milliseconds (never
 * going back) then 8 of a counter. The fixed width matters: core compares sequencers right-padded with
 * zeros (design.md "Records"), which orders them correctly only while they all have the same length.
 */
export function nextBridgeSequencer(s3rverSequencer: string): string {
  lastMillis = Math.max(Number.parseInt(s3rverSequencer, 16), lastMillis);
  counter = (counter + 1) % 2 ** 32;
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, "0");
  return `${hex(lastMillis, 12)}${hex(counter, 8)}`;
}
