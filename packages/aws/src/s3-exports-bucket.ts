import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ExportsBucket } from "@sluice/core";
import { isNotFoundSdkError, toS3DomainError } from "./s3-errors";

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
