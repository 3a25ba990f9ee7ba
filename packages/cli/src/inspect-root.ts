import { stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { DEFAULTS_FILE_NAME } from "@sluice/core";
import { UsageError } from "./errors";

/** The folder that stands for the bucket when one local file is inspected, and the key the file has under it. */
export interface InspectRoot {
  root: string;
  key: string;
  /** Whether the root was found rather than given with `--root`. */
  found: boolean;
}

/**
 * Picks the root for `sluice inspect FILE`. Given `--root`, that folder. Otherwise the outermost of the
 * file's own folder, the current folder when the file is under it, and every folder up to the file
 * system root that holds a `_defaults.json`: run from anywhere, the file gets every folder default
 * above it, as an object under that folder in the bucket would.
 */
export async function findInspectRoot(
  file: string,
  given: string | undefined,
  cwd = process.cwd(),
): Promise<InspectRoot> {
  if (given !== undefined) {
    const root = resolve(given);
    const key = keyUnder(root, file);
    if (key === null) throw new UsageError(`${file} is not under --root ${root}`);
    return { root, key, found: false };
  }
  let root = dirname(file);
  if (keyUnder(cwd, file) !== null) root = cwd;
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    if ((await isFile(join(folder, DEFAULTS_FILE_NAME))) && folder.length < root.length) root = folder;
    if (dirname(folder) === folder) break;
  }
  return { root, key: keyUnder(root, file) ?? file, found: true };
}

/** The key of `file` under `root` (forward slashes), or null when it is not under it. */
function keyUnder(root: string, file: string): string | null {
  const path = relative(root, file);
  if (path === "" || path === ".." || path.startsWith(`..${sep}`) || isAbsolute(path)) return null;
  return path.split(sep).join("/");
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
