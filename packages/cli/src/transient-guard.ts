import { isRetryable, type ObjectReader, type OpenedObject } from "@sluice/core";

/** A reader that remembers the first failure that may pass on retry, and what it was. */
export interface GuardedReader {
  reader: ObjectReader;
  /** Throws the first retryable failure seen, if any. */
  check(): void;
}

/**
 * Wraps a reader so that a scan stops at the first failure that may pass on retry (a timeout,
 * throttling): the scan would otherwise record the object as unreadable (and a probe, its read as
 * `probe-failed`) and print an import that silently lacks it. After the first such failure every
 * open fails at once, so a stuck server costs one timeout, not one per object.
 */
export function guardTransient(inner: ObjectReader): GuardedReader {
  let failure: unknown;
  let failed = false;
  const watch = async <T>(run: () => Promise<T>): Promise<T> => {
    if (failed) throw failure;
    try {
      return await run();
    } catch (error) {
      if (isRetryable(error) && !failed) {
        failed = true;
        failure = error;
      }
      throw error;
    }
  };
  const wrap = (object: OpenedObject): OpenedObject => ({
    size: object.size,
    etag: object.etag,
    versionId: object.versionId,
    contentType: object.contentType,
    read: (offset, length) => watch(() => object.read(offset, length)),
    ...(object.close ? { close: () => object.close?.() ?? Promise.resolve() } : {}),
  });
  return {
    reader: { open: async (key) => wrap(await watch(() => inner.open(key))) },
    check() {
      if (failed) throw failure;
    },
  };
}
