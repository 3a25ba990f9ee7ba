import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** A file found under the scanned folder, keyed like an S3 object (forward slashes, no leading slash). */
export interface FolderEntry {
  key: string;
  path: string;
}

/**
 * Lists every file under `root`, sorted by key: regular files, and symbolic links and other entries
 * that are not folders, so that one the scan cannot read (a dangling link, a link to a folder, a
 * pipe) is named with its reason like any other left-out object instead of vanishing. Links to files
 * are read through, as `aws s3 sync` uploads them; folders behind links are not walked.
 */
export async function walkFolder(root: string): Promise<FolderEntry[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { key: relative(root, path).split(sep).join("/"), path };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
