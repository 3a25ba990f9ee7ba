import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  decodeEventKey,
  HEAD_BYTES,
  NotFoundError,
  type ObjectInfo,
  type ObjectStore,
  type OpenedObject,
  TransientError,
} from "@sluice/core";
import { isInvalidRangeSdkError, isNotFoundSdkError, toS3DomainError } from "./s3-errors";

/** What an S3 object store needs: a client built by the composition root, and the data bucket. */
export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
}

/**
 * The data bucket over S3, read-only: HEAD, ranged GETs pinned to the ETag seen at open, and
 * paged listing. SDK errors leave as core errors (s3-errors.ts).
 */
export function createS3ObjectStore({ client, bucket }: S3ObjectStoreOptions): ObjectStore {
  const headObject = async (key: string): Promise<HeadObjectCommandOutput | null> => {
    try {
      return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isNotFoundSdkError(error)) return null;
      throw toS3DomainError(error, { operation: "HeadObject", bucket, key });
    }
  };

  return {
    bucket,
    async head(key) {
      const head = await headObject(key);
      return head === null ? null : objectInfo(key, head);
    },
    async open(key) {
      // One ranged GET of the first bytes stands for HEAD + the first read: it gives the size
      // (Content-Range), ETag and type, and the bytes every derivation reads first anyway.
      let first: GetObjectCommandOutput;
      let body: Uint8Array;
      try {
        first = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${OPEN_BYTES - 1}` }),
        );
        // Inside the try: a body that stops arriving fails here (the socket timeout), not in send.
        body = first.Body ? await first.Body.transformToByteArray() : new Uint8Array(0);
      } catch (error) {
        if (isNotFoundSdkError(error)) throw new NotFoundError(`s3://${bucket}/${key} does not exist`);
        // An empty object has no byte 0 to range over (416): fall back to HEAD.
        if (!isInvalidRangeSdkError(error))
          throw toS3DomainError(error, { operation: "GetObject", bucket, key });
        const head = await headObject(key);
        if (head === null) throw new NotFoundError(`s3://${bucket}/${key} does not exist`);
        return openedObject(client, bucket, objectInfo(key, head), head.ETag, new Uint8Array(0));
      }
      const total = Number(/\/(\d+)$/.exec(first.ContentRange ?? "")?.[1] ?? body.byteLength);
      const info = { ...objectInfo(key, first), size: total };
      const prefix =
        withinRange(body, first.ContentRange, 0, Math.min(total, OPEN_BYTES)) ?? new Uint8Array(0);
      return openedObject(client, bucket, info, first.ETag, prefix);
    },
    async list(prefix, cursor, limit) {
      try {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix === "" ? undefined : prefix,
            ContinuationToken: cursor ?? undefined,
            MaxKeys: limit,
            // XML 1.0 cannot carry every character a key may hold; S3 then URL-encodes keys
            // (`+` for a space, as botocore decodes them). Servers that ignore it (s3rver) do not echo it.
            EncodingType: "url",
          }),
        );
        const encoded = page.EncodingType === "url";
        const objects = (page.Contents ?? []).flatMap((o) =>
          o.Key === undefined
            ? []
            : [
                {
                  key: encoded ? decodeEventKey(o.Key) : o.Key,
                  etag: unquote(o.ETag),
                  lastModified: o.LastModified?.toISOString() ?? null,
                },
              ],
        );
        const keys = objects.map((o) => o.key);
        return { keys, objects, cursor: page.IsTruncated ? (page.NextContinuationToken ?? null) : null };
      } catch (error) {
        throw toS3DomainError(error, { operation: "ListObjectsV2", bucket, key: prefix, cursor });
      }
    },
  };
}

/** Bytes fetched by `open`: as many as type inference and the caching source's read-ahead take first. */
const OPEN_BYTES = HEAD_BYTES;

function objectInfo(key: string, head: HeadObjectCommandOutput | GetObjectCommandOutput): ObjectInfo {
  return {
    key,
    size: head.ContentLength ?? 0,
    etag: unquote(head.ETag),
    versionId: head.VersionId ?? null,
    contentType: head.ContentType ?? null,
  };
}

// S3 quotes ETags in headers but not in event notifications; records keep the unquoted form.
function unquote(etag: string | undefined): string | null {
  return etag === undefined ? null : etag.replace(/^"(.*)"$/, "$1");
}

function openedObject(
  client: S3Client,
  bucket: string,
  info: ObjectInfo,
  rawEtag: string | undefined,
  prefix: Uint8Array,
): OpenedObject {
  return {
    size: info.size,
    etag: info.etag,
    versionId: info.versionId,
    contentType: info.contentType,
    async read(offset, length) {
      // Past the end or nothing asked: S3 would answer 416, so no request is made.
      const end = Math.min(info.size, offset + length);
      if (length <= 0 || offset >= end) return new Uint8Array(0);
      if (end <= prefix.byteLength) return prefix.subarray(offset, end);
      try {
        const response = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: info.key,
            Range: `bytes=${offset}-${end - 1}`,
            // A new upload under the same key mid-read fails with 412 instead of mixing two versions' bytes.
            IfMatch: rawEtag,
          }),
        );
        const body = response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
        const bytes = withinRange(body, response.ContentRange, offset, end);
        if (bytes === null) {
          throw new TransientError(
            `unexpected body for s3://${bucket}/${info.key} bytes ${offset}-${end - 1}: ` +
              `${body.byteLength} bytes, Content-Range ${response.ContentRange ?? "absent"}`,
          );
        }
        return bytes;
      } catch (error) {
        if (error instanceof TransientError) throw error;
        throw toS3DomainError(error, { operation: "GetObject", bucket, key: info.key });
      }
    },
  };
}

/**
 * The bytes [offset, end) out of a GET body. A server may answer more than the range asked for
 * (s3rver reads `bytes=0-0` as "from 0 to the end"; a server ignoring Range sends the whole object),
 * so the body is placed by its Content-Range; without one, a body of the asked length is the range and
 * any other body starts at 0. Null when the body does not cover the range.
 */
function withinRange(body: Uint8Array, contentRange: string | undefined, offset: number, end: number) {
  const unranged = body.byteLength === end - offset ? offset : 0;
  const start =
    contentRange === undefined ? unranged : Number(/^bytes (\d+)-/.exec(contentRange)?.[1] ?? Number.NaN);
  const from = offset - start;
  const to = end - start;
  if (!Number.isInteger(start) || from < 0 || to > body.byteLength) return null;
  return from === 0 && to === body.byteLength ? body : body.subarray(from, to);
}
