import { S3Client } from "@aws-sdk/client-s3";
import { createS3ObjectStore } from "@sluice/aws";
import { type ObjectStore, objectUrlFor, objectUrlFromBase } from "@sluice/core";
import { UsageError } from "./errors";

/** An `s3://BUCKET/PREFIX` argument, read through the same adapter as the pipeline. */
export interface S3Source {
  bucket: string;
  prefix: string;
  store: ObjectStore;
  objectUrlOf(key: string): string;
}

/** Parses `s3://BUCKET/PREFIX` and opens the bucket with the default credential chain (or `--endpoint`). */
export function openS3Source(
  uri: string,
  options: { endpoint?: string; urlBase?: string },
  env: Record<string, string | undefined>,
): S3Source {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) throw new UsageError(`not an s3:// URI: "${uri}" (expected s3://BUCKET/PREFIX)`);
  const bucket = match[1];
  const prefix = match[2] ?? "";
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const client = new S3Client({
    region,
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
