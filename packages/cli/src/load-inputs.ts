import { readFile } from "node:fs/promises";
import {
  DEFAULT_SIDECAR_SUFFIXES,
  type MetadataSchema,
  parseMetadataSchema,
  parseSidecarSuffixes,
} from "@sluice/core";
import { UsageError } from "./errors";

/** Reads and checks a `--schema` file; every problem becomes one line of a UsageError. */
export async function loadSchema(file: string | undefined): Promise<MetadataSchema | null> {
  if (file === undefined) return null;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read schema ${file}: ${describeFsError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `schema ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = parseMetadataSchema(json);
  if (!parsed.ok) {
    const problems = parsed.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ");
    throw new UsageError(`schema ${file} is not a valid Encord metadata schema: ${problems}`);
  }
  return parsed.schema;
}

/** Checks `--sidecar-suffix` values, defaulting to `.metadata.json`. */
export function loadSuffixes(values: string[] | undefined): readonly string[] {
  if (values === undefined || values.length === 0) return DEFAULT_SIDECAR_SUFFIXES;
  const parsed = parseSidecarSuffixes(values.join(","));
  if (!parsed.ok) throw new UsageError(parsed.error);
  return parsed.suffixes;
}

/** A short reason for a failed file operation, without a stack. */
export function describeFsError(error: unknown): string {
  if (error instanceof Error && "code" in error) {
    const code = String(error.code);
    if (code === "ENOENT") return "no such file or directory";
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    if (code === "EISDIR") return "is a directory";
    return code;
  }
  return error instanceof Error ? error.message : String(error);
}
