import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** A file found under the scanned folder, keyed like an S3 object (forward slashes, no leading slash). */
export interface FolderEntry {
  key: string;
  path: string;
}

/** Lists every regular file under `root`, sorted by key; symbolic links are not followed. */
export async function walkFolder(root: string): Promise<FolderEntry[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { key: relative(root, path).split(sep).join("/"), path };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
