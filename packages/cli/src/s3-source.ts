import { S3Client } from "@aws-sdk/client-s3";
import { createS3ObjectStore, type SdkTimeouts, sdkRequestHandler } from "@sluice/aws";
import { type ObjectStore, objectUrlFor, objectUrlFromBase } from "@sluice/core";
import { UsageError } from "./errors";

/** An `s3://BUCKET/PREFIX` argument, read through the same adapter as the pipeline. */
export interface S3Source {
  bucket: string;
  prefix: string;
  store: ObjectStore;
  objectUrlOf(key: string): string;
}

/**
 * The CLI's default for connecting, for the first answer and for silence mid-answer. A ranged GET or a
 * listing answers within a second or two even from a laptop far from the bucket's region; 10 s says a
 * server is stuck (one that announces a body and never sends it used to hang a scan for ever) without
 * failing a slow but working link. `--timeout` changes it.
 */
export const CLI_TIMEOUT_SECONDS = 10;

/** The SDK timeouts for `--timeout SECONDS`, the same for each stage of a call. */
export function cliTimeouts(seconds = CLI_TIMEOUT_SECONDS): SdkTimeouts {
  // At least 1 ms: 0 would turn the SDK's timeouts off.
  const ms = Math.max(1, Math.round(seconds * 1000));
  return { connectionTimeout: ms, requestTimeout: ms, socketTimeout: ms };
}

/** Parses `s3://BUCKET/PREFIX` and opens the bucket with the default credential chain (or `--endpoint`). */
export function openS3Source(
  uri: string,
  options: { endpoint?: string; urlBase?: string; timeoutSeconds?: number },
  env: Record<string, string | undefined>,
): S3Source {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) throw new UsageError(`not an s3:// URI: "${uri}" (expected s3://BUCKET/PREFIX)`);
  const bucket = match[1];
  const prefix = match[2] ?? "";
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const client = new S3Client({
    region,
    requestHandler: sdkRequestHandler(cliTimeouts(options.timeoutSeconds)),
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          forcePathStyle: true,
          // Local S3 servers (s3rver) store aws-chunked framing as content without these (toolchain.md §3.2).
          requestChecksumCalculation: "WHEN_REQUIRED",
          responseChecksumValidation: "WHEN_REQUIRED",
        }),
  });
  const urlBase = options.urlBase;
  return {
    bucket,
    prefix,
    store: createS3ObjectStore({ client, bucket }),
    objectUrlOf: (key) =>
      urlBase === undefined ? objectUrlFor({ bucket, region, key }) : objectUrlFromBase(urlBase, key),
  };
}

/** Every key under the prefix, page by page. */
export async function listAll(source: S3Source): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await source.store.list(source.prefix, cursor, 1000);
    keys.push(...page.keys);
    cursor = page.cursor;
  } while (cursor !== null);
  return keys;
}
