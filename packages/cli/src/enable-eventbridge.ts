import {
  GetBucketNotificationConfigurationCommand,
  type NotificationConfiguration,
  PutBucketNotificationConfigurationCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { sdkRequestHandler } from "@sluice/aws";
import { cliTimeouts } from "./s3-source";

/** A bucket whose notification configuration could not be read or written; shown as one line, exit code 1. */
export class EnableEventBridgeError extends Error {
  override readonly name = "EnableEventBridgeError";
  readonly retryable = false;
}

/** What `enableEventBridge` found and did. */
export interface EnableEventBridgeResult {
  bucket: string;
  changed: boolean;
  kept: { queue: number; topic: number; lambda: number };
}

/** Builds the S3 client for bucket settings: default credential chain, `--endpoint` for local S3 servers. */
export function createBucketSettingsClient(
  options: { endpoint?: string },
  env: Record<string, string | undefined>,
): S3Client {
  return new S3Client({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    requestHandler: sdkRequestHandler(cliTimeouts()),
    // A bucket in another region answers 301; the SDK then retries there, which needs no s3:GetBucketLocation.
    followRegionRedirects: true,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
  });
}

/**
 * Turns on EventBridge delivery for a bucket with a read-modify-write that keeps its topic, queue and
 * Lambda notification configurations exactly as they were, because the Put replaces the whole setting.
 */
export async function enableEventBridge(client: S3Client, bucket: string): Promise<EnableEventBridgeResult> {
  const current = await send("read", bucket, () =>
    client.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })),
  );
  const kept = {
    queue: current.QueueConfigurations?.length ?? 0,
    topic: current.TopicConfigurations?.length ?? 0,
    lambda: current.LambdaFunctionConfigurations?.length ?? 0,
  };
  if (current.EventBridgeConfiguration !== undefined) return { bucket, changed: false, kept };
  // Only the four settings are copied: the output also carries `$metadata`, which is not part of the input.
  const next: NotificationConfiguration = {
    ...(current.TopicConfigurations ? { TopicConfigurations: current.TopicConfigurations } : {}),
    ...(current.QueueConfigurations ? { QueueConfigurations: current.QueueConfigurations } : {}),
    ...(current.LambdaFunctionConfigurations
      ? { LambdaFunctionConfigurations: current.LambdaFunctionConfigurations }
      : {}),
    EventBridgeConfiguration: {},
  };
  await send("write", bucket, () =>
    client.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: next,
        // The existing destinations are unchanged; validating them again would send s3:TestEvent messages to
        // their consumers and fail the whole change if one of them (not ours) has since been removed.
        SkipDestinationValidation: true,
      }),
    ),
  );
  return { bucket, changed: true, kept };
}

/** The one line the CLI prints for a result. */
export function describeEnableEventBridge(result: EnableEventBridgeResult): string {
  const { queue, topic, lambda } = result.kept;
  const counts = `${queue} queue, ${topic} topic, ${lambda} lambda notification configurations`;
  return result.changed
    ? `enabled EventBridge delivery on s3://${result.bucket}; kept ${counts}`
    : `EventBridge delivery is already on for s3://${result.bucket}; changed nothing (${counts})`;
}

async function send<T>(step: "read" | "write", bucket: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new EnableEventBridgeError(explain(step, bucket, error), { cause: error });
  }
}

function explain(step: "read" | "write", bucket: string, error: unknown): string {
  const what = `could not ${step} the notification configuration of s3://${bucket}`;
  const name = error instanceof Error ? error.name : "";
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  if (name === "NoSuchBucket") return `${what}: the bucket does not exist`;
  if (name === "AccessDenied" || status === 403) {
    return `${what}: access denied (the caller needs s3:GetBucketNotification and s3:PutBucketNotification)`;
  }
  if (name === "NotImplemented") return `${what}: this S3 endpoint does not implement bucket notifications`;
  if (name === "CredentialsProviderError")
    return `${what}: no AWS credentials found (default credential chain)`;
  const message = error instanceof Error ? error.message : String(error);
  // SDK messages can span lines; the CLI promises one.
  return `${what}: ${name ? `${name}: ` : ""}${message}`.replace(/\s+/g, " ").trim();
}
