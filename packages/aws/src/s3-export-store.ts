import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ExportStore } from "@sluice/core";
import { isNotFoundSdkError, toS3DomainError } from "./s3-errors";

/** What the exports store needs: a client built by the composition root, and Sluice's own exports bucket. */
export interface S3ExportStoreOptions {
  client: S3Client;
  bucket: string;
}

/** The key under which an import file named `name` is stored. */
export function importKeyFor(name: string): string {
  return `imports/${name}.json`;
}

/** Import files in the exports bucket, as `imports/<name>.json` (the data bucket is never written). */
export function createS3ExportStore({ client, bucket }: S3ExportStoreOptions): ExportStore {
  return {
    async putImport(name, body) {
      const key = importKeyFor(name);
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }),
        );
      } catch (error) {
        throw toS3DomainError(error, { operation: "PutObject", bucket, key });
      }
      return key;
    },
    importKey: importKeyFor,
    async getImport(key) {
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await got.Body?.transformToString("utf8")) ?? "";
      } catch (error) {
        throw toS3DomainError(error, { operation: "GetObject", bucket, key });
      }
    },
    async hasImport(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isNotFoundSdkError(error)) return false;
        throw toS3DomainError(error, { operation: "HeadObject", bucket, key });
      }
    },
  };
}
