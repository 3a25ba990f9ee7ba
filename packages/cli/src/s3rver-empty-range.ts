import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let applied = false;

interface StoredObject {
  content: { destroy(): void } | null;
  range?: unknown;
  metadata: Record<string, string | number>;
}

/**
 * Makes s3rver answer a ranged GET of an empty object with 416 InvalidRange, as S3 does. s3rver 3.7.1
 * clamps the range to `0-0` and answers 206 with `Content-Length: 1` and no body, so the client waits
 * for a byte that never comes until its socket times out (every zero-byte upload stalled the pipeline).
 */
export function fixS3rverEmptyObjectRanges(): void {
  if (applied) return;
  const store: unknown = require("s3rver/lib/stores/filesystem");
  const prototype = typeof store === "function" ? store.prototype : undefined;
  const original: unknown = prototype?.getObject;
  if (typeof original !== "function")
    throw new Error("s3rver's FilesystemStore has no getObject: cannot patch ranges");
  prototype.getObject = async function getObject(this: unknown, ...args: unknown[]) {
    const object: StoredObject | null = await original.apply(this, args);
    if (object?.range !== undefined && Number(object.metadata["content-length"]) === 0 && object.content) {
      object.content.destroy();
      object.content = null;
    }
    return object;
  };
  applied = true;
}
