import { join } from "node:path";
import type { ObjectReader } from "@sluice/core";
import { createFileByteSource } from "./file-byte-source";

/** Reads objects of a local folder, keyed by their path relative to it (after an optional key prefix). */
export function createFolderReader(root: string, keyPrefix = ""): ObjectReader {
  return {
    async open(key) {
      const relative = key.startsWith(keyPrefix) ? key.slice(keyPrefix.length) : key;
      return createFileByteSource(join(root, ...relative.split("/")));
    },
  };
}
