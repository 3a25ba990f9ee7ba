import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { isNotFoundSdkError, toS3DomainError } from "@sluice/aws";

/** What the API reads and writes in Sluice's exports bucket besides import files. */
export interface ExportsBucket {
  /** The object's text, or null when it does not exist. */
  get(key: string): Promise<string | null>;
  put(key: string, body: string): Promise<void>;
  /** One page of keys under a prefix, in S3's order. */
  list(
    prefix: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ keys: string[]; cursor: string | null }>;
  /** A presigned GET URL for the object. */
  presign(key: string): Promise<string>;
}

/** What the exports bucket adapter needs: a client built by the composition root, and the bucket. */
export interface S3ExportsBucketOptions {
  client: S3Client;
  bucket: string;
  /** Lifetime of presigned URLs; an hour by default. */
  expiresInSeconds?: number;
}

/** Creates the exports bucket adapter over S3, with SDK errors mapped to core's error classes. */
export function createS3ExportsBucket(options: S3ExportsBucketOptions): ExportsBucket {
  const { client, bucket, expiresInSeconds = 3600 } = options;
  return {
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await out.Body?.transformToString("utf8")) ?? "";
      } catch (error) {
        if (isNotFoundSdkError(error)) return null;
        throw toS3DomainError(error, { operation: "GetObject", bucket, key });
      }
    },

    async put(key, body) {
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }),
        );
      } catch (error) {
        throw toS3DomainError(error, { operation: "PutObject", bucket, key });
      }
    },

    async list(prefix, cursor, limit) {
      try {
        const out = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: limit,
            ...(cursor ? { ContinuationToken: cursor } : {}),
          }),
        );
        const keys = (out.Contents ?? []).flatMap((entry) => (entry.Key ? [entry.Key] : []));
        return { keys, cursor: out.IsTruncated ? (out.NextContinuationToken ?? null) : null };
      } catch (error) {
        throw toS3DomainError(error, { operation: "ListObjectsV2", bucket, key: prefix, cursor });
      }
    },

    presign(key) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: expiresInSeconds,
      });
    },
  };
}
