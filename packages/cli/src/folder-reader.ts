import { lstat, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { ObjectReader } from "@sluice/core";
import { createFileByteSource } from "./file-byte-source";

/** Reads objects of a local folder, keyed by their path relative to it (after an optional key prefix). */
export function createFolderReader(root: string, keyPrefix = ""): ObjectReader {
  return {
    async open(key) {
      const relative = key.startsWith(keyPrefix) ? key.slice(keyPrefix.length) : key;
      const path = join(root, ...relative.split("/"));
      try {
        return await createFileByteSource(path);
      } catch (error) {
        throw await explainLink(path, error);
      }
    },
  };
}

/** For a symbolic link, says so and where it points; any other failure is returned as it is. */
async function explainLink(path: string, error: unknown): Promise<unknown> {
  const isLink = await lstat(path).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
  if (!isLink) return error;
  const target = await readlink(path).catch(() => "?");
  return new Error(`a symbolic link to ${target}, which cannot be read: ${reasonOf(error)}`, {
    cause: error,
  });
}

function reasonOf(error: unknown): string {
  const code = error instanceof Error && "code" in error ? String(error.code) : "";
  if (code === "ENOENT") return "it does not exist";
  if (code === "ELOOP") return "the links form a loop";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
