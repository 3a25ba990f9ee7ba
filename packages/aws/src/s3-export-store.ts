import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type EntryCounts, EntryCountsSchema, type ExportStore } from "@sluice/core";
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

// User metadata (`x-amz-meta-entries`): a HEAD answers it, so `GET /imports` counts a page of files
// without reading them (each up to 10 MB). The SDK lower-cases metadata names.
const COUNTS_METADATA = "entries";

/** Import files in the exports bucket, as `imports/<name>.json` (the data bucket is never written). */
export function createS3ExportStore({ client, bucket }: S3ExportStoreOptions): ExportStore {
  return {
    async putImport(name, body, counts) {
      const key = importKeyFor(name);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: "application/json",
            Metadata: { [COUNTS_METADATA]: JSON.stringify(counts) },
          }),
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
      return (await head(client, bucket, key)) !== null;
    },
    async describeImport(key) {
      const out = await head(client, bucket, key);
      if (out === null) return null;
      return {
        writtenAt: out.LastModified?.toISOString() ?? null,
        counts: parseCounts(out.Metadata?.[COUNTS_METADATA]),
      };
    },
  };
}

async function head(client: S3Client, bucket: string, key: string) {
  try {
    return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isNotFoundSdkError(error)) return null;
    throw toS3DomainError(error, { operation: "HeadObject", bucket, key });
  }
}

/** Counts as stored beside a file; null for a file written before they were, or metadata edited by hand. */
function parseCounts(text: string | undefined): EntryCounts | null {
  if (text === undefined) return null;
  try {
    const parsed = EntryCountsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
