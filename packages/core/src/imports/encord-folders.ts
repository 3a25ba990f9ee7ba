import { z } from "zod";
import { type Issue, issue } from "../issues";

/** A key prefix whose objects go to their own Encord folder (design.md "Delivery to Encord", `ENCORD_FOLDERS`). */
export interface FolderRoute {
  prefix: string;
  folder: string;
}

const FolderUuidSchema = z.uuid();

/**
 * Parses `ENCORD_FOLDERS` (`prefix=uuid,prefix=uuid`); longest prefixes first, so that the first
 * route whose prefix a key starts with is the one that wins. Every bad pair is named.
 */
export function parseEncordFolders(
  raw: string,
): { ok: true; routes: FolderRoute[] } | { ok: false; errors: Issue[] } {
  const routes: FolderRoute[] = [];
  const errors: Issue[] = [];
  for (const pair of raw
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const at = pair.lastIndexOf("=");
    const prefix = pair.slice(0, Math.max(0, at));
    const folder = pair.slice(at + 1);
    if (at <= 0) errors.push(issue("encord-folders-invalid", `"${pair}" is not prefix=folder-uuid`));
    else if (!FolderUuidSchema.safeParse(folder).success)
      errors.push(issue("encord-folders-invalid", `"${folder}" (for "${prefix}") is not a folder UUID`));
    else if (routes.some((r) => r.prefix === prefix))
      errors.push(issue("encord-folders-invalid", `the prefix "${prefix}" is given twice`));
    else routes.push({ prefix, folder: folder.toLowerCase() });
  }
  if (errors.length > 0) return { ok: false, errors };
  routes.sort((a, b) => b.prefix.length - a.prefix.length);
  return { ok: true, routes };
}

/** The Encord folder a key is delivered to: the longest matching prefix's, else the default (null: not delivered). */
export function folderFor(
  key: string,
  routes: readonly FolderRoute[],
  fallback: string | null,
): string | null {
  return routes.find((route) => key.startsWith(route.prefix))?.folder ?? fallback;
}
