import { createHash, randomUUID } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { OverflowPointer } from "./record-item";
import { toS3DomainError } from "./s3-errors";

/** Records' payloads too large for their items, kept in the exports bucket under `records/`. */
export interface OverflowStore {
  /** Stores a payload under a key of its own and returns the pointer to put in the item. */
  write(pk: string, revision: number, payload: string): Promise<OverflowPointer>;
  /** Reads a payload back, checking it against the pointer's hash; NotFoundError once it has been replaced. */
  read(pointer: OverflowPointer): Promise<string>;
  /** Deletes a payload that no item points at any more; failures are ignored (an orphan is harmless). */
  discard(key: string): Promise<void>;
}

/** Creates the overflow store over the exports bucket. */
export function createOverflowStore(s3: S3Client, bucket: string): OverflowStore {
  return {
    async write(pk, revision, payload) {
      // A fresh key per write: two racing writers of the same revision never share an object, so the
      // winning item can only point at its own payload and the loser may delete its object safely.
      const key = `records/${sha256(pk)}/${revision}-${randomUUID()}.json`;
      try {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: payload, ContentType: "application/json" }),
        );
      } catch (error) {
        throw toS3DomainError(error, { operation: "PutObject", bucket, key });
      }
      return { key, sha256: sha256(payload) };
    },

    async read(pointer) {
      let text: string;
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: pointer.key }));
        text = (await object.Body?.transformToString("utf-8")) ?? "";
      } catch (error) {
        throw toS3DomainError(error, { operation: "GetObject", bucket, key: pointer.key });
      }
      if (sha256(text) !== pointer.sha256) {
        throw new Error(`s3://${bucket}/${pointer.key} does not match the hash its record holds`);
      }
      return text;
    },

    async discard(key) {
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch {
        // Best effort: an orphaned payload costs storage only, and a lifecycle rule can sweep records/.
      }
    },
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
