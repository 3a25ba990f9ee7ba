// The three independent sources of `bench:load`: the data bucket's listing, the records table (a DynamoDB scan,
// not the API), and the entries of every import file in the exports bucket (keys taken back from the object URLs).
import { type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

/** What the records table says about one object. */
export interface SeenRecord {
  status: string;
  updatedAt: number;
  sidecar: boolean;
  exportState: string;
  exportedAt: number | null;
}

/** Every key in a bucket under a prefix, page by page. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

/** Every record item of the bucket by object key, from a parallel scan of the table itself. */
export async function scanRecords(
  dynamo: DynamoDBClient,
  table: string,
  bucket: string,
): Promise<Map<string, SeenRecord>> {
  const records = new Map<string, SeenRecord>();
  const segments = 4;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, import("@aws-sdk/client-dynamodb").AttributeValue> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey: start,
            ProjectionExpression: "pk, #status, updatedAt, sidecarKey, #export",
            ExpressionAttributeNames: { "#status": "status", "#export": "export" },
          }),
        );
        for (const item of page.Items ?? []) {
          const pk = item.pk?.S ?? "";
          if (!pk.startsWith(`${bucket}#`)) continue;
          const exported = item.export?.M;
          records.set(pk.slice(bucket.length + 1), {
            status: item.status?.S ?? "",
            updatedAt: Date.parse(item.updatedAt?.S ?? ""),
            sidecar: typeof item.sidecarKey?.S === "string",
            exportState: exported?.state?.S ?? "",
            exportedAt: exported?.at?.S ? Date.parse(exported.at.S) : null,
          });
        }
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
    }),
  );
  return records;
}

/** How many times each object key appears in an entry of any import file, and how many files there are. */
export async function exportedEntries(
  s3: S3Client,
  exportsBucket: string,
): Promise<{
  files: number;
  entries: number;
  counts: Map<string, number>;
  bodies: Map<string, Set<string>>;
}> {
  const files = await listKeys(s3, exportsBucket, "imports/");
  const counts = new Map<string, number>();
  // The distinct entries per key: a key sent twice with the same entry is a duplicate, with a changed one an update.
  const bodies = new Map<string, Set<string>>();
  let entries = 0;
  for (const file of files) {
    const response = await s3.send(new GetObjectCommand({ Bucket: exportsBucket, Key: file }));
    const parsed: unknown = JSON.parse((await response.Body?.transformToString()) ?? "{}");
    for (const entry of fileEntries(parsed)) {
      entries += 1;
      const key = keyOfUrl(entry.objectUrl);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      bodies.set(key, (bodies.get(key) ?? new Set()).add(JSON.stringify(entry)));
    }
  }
  return { files: files.length, entries, counts, bodies };
}

/** Every entry with an objectUrl under every data-type key of an import file. */
function fileEntries(file: unknown): { objectUrl: string }[] {
  const found: { objectUrl: string }[] = [];
  if (typeof file !== "object" || file === null) return found;
  for (const list of Object.values(file)) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (
        typeof entry === "object" &&
        entry !== null &&
        "objectUrl" in entry &&
        typeof entry.objectUrl === "string"
      )
        found.push({ ...entry, objectUrl: entry.objectUrl });
    }
  }
  return found;
}

/** The object key of a virtual-hosted S3 URL: its path with each segment percent-decoded. */
function keyOfUrl(url: string): string {
  return new URL(url).pathname.slice(1).split("/").map(decodeURIComponent).join("/");
}
