import type { ObjectReader } from "../bytes/opened-object";
import { type Issue, issue } from "../issues";
import { type MetadataLayer, mergeMetadata } from "../metadata/merge";
import { MAX_SIDECAR_BYTES, parseDefaults } from "../metadata/sidecar";
import { applicableDefaults, type ListingPlan } from "../scan/plan-listing";
import { type GroupManifestResult, parseGroupManifest } from "./group-manifest";
import type { FolderDefaults } from "./group-result";

async function readAll(reader: ObjectReader, key: string): Promise<Uint8Array | Issue> {
  try {
    const object = await reader.open(key);
    try {
      if (object.size > MAX_SIDECAR_BYTES) {
        return issue(
          "file-too-large",
          `${key} is ${object.size} bytes; the limit is ${MAX_SIDECAR_BYTES} (10 MB)`,
        );
      }
      return await object.read(0, object.size);
    } finally {
      await object.close?.();
    }
  } catch (error) {
    return issue(
      "object-unreadable",
      `cannot read ${key}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Reads and parses a `_group.json`; a file that cannot be read gives the error instead. */
export async function readManifest(reader: ObjectReader, key: string): Promise<GroupManifestResult> {
  const bytes = await readAll(reader, key);
  return bytes instanceof Uint8Array ? parseGroupManifest(bytes, key) : { ok: false, error: bytes };
}

/** A folder's merged defaults and the errors of the files that could not be used. */
export type LoadedDefaults = { metadata: FolderDefaults; errors: Issue[] };

/** Reads and merges the `_defaults.json` files that apply to a folder, each file read once per scan. */
export function folderDefaultsLoader(
  reader: ObjectReader,
  plan: ListingPlan,
): (folder: string) => Promise<LoadedDefaults> {
  const files = new Map<string, Promise<MetadataLayer | Issue>>();
  const load = async (key: string): Promise<MetadataLayer | Issue> => {
    const bytes = await readAll(reader, key);
    if (!(bytes instanceof Uint8Array)) return bytes;
    const parsed = parseDefaults(bytes, key);
    return parsed.ok ? { source: key, metadata: parsed.clientMetadata } : parsed.error;
  };
  return async (folder) => {
    const layers: MetadataLayer[] = [];
    const errors: Issue[] = [];
    // A stand-in key inside the folder finds the defaults that apply to the folder itself.
    for (const key of applicableDefaults(plan, `${folder}_`)) {
      const cached = files.get(key) ?? load(key);
      files.set(key, cached);
      const layer = await cached;
      if ("source" in layer) layers.push(layer);
      else errors.push(layer);
    }
    return { metadata: mergeMetadata(layers), errors };
  };
}
