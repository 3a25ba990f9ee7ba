import { z } from "zod";
import { ClientMetadataSchema } from "../imports/encord-namespace";
import { TitleSchema } from "../imports/fields";
import { type Issue, issue } from "../issues";
import { isJsonObject } from "../json";
import {
  describeLimitProblem,
  exceedsValueBudget,
  findMetadataLimitProblem,
  findTopLevelKeyProblem,
} from "../metadata/sidecar-limits";

/** A member file name: a name in the manifest's own folder, so it never holds a "/". */
const MemberNameSchema = z
  .string()
  .min(1, "a member name must not be empty")
  .refine(
    (name) => !name.includes("/"),
    'a member is a file name in the same folder and must not contain "/"',
  );

/** Schema of `_group.json` (design.md "Groups"). */
export const GroupManifestSchema = z.strictObject({
  type: z.enum(["image_group", "image_sequence"]),
  title: TitleSchema.optional(),
  clientMetadata: ClientMetadataSchema.optional(),
  members: z
    .array(MemberNameSchema)
    .min(1, "members must list at least one file")
    .refine((names) => new Set(names).size === names.length, "members must not repeat a name")
    .optional(),
  count: z.number().int().positive().optional(),
});
export type GroupManifest = z.infer<typeof GroupManifestSchema>;

/** A parsed group manifest, or the error that makes its group invalid. */
export type GroupManifestResult = { ok: true; manifest: GroupManifest } | { ok: false; error: Issue };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Parses a `_group.json`: not JSON, not an object and schema violations (with their paths) are errors. */
export function parseGroupManifest(bytes: Uint8Array, key: string): GroupManifestResult {
  const fail = (code: string, message: string, path?: string): GroupManifestResult => ({
    ok: false,
    error: issue(code, `Group manifest ${key} ${message}`, path),
  });
  const body = UTF8_BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(UTF8_BOM.length) : bytes;
  let value: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    // A manifest's clientMetadata joins the group's: it keeps the sidecar's limits.
    if (exceedsValueBudget(text)) {
      return fail(
        "group-manifest-too-complex",
        describeLimitProblem({ kind: "too-complex", path: "" }).message,
      );
    }
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail("group-manifest-not-json", `is not valid UTF-8 JSON: ${reason}`);
  }
  if (!isJsonObject(value)) return fail("group-manifest-not-object", "must be a JSON object");
  const limit =
    findMetadataLimitProblem(value) ??
    (isJsonObject(value.clientMetadata) ? findTopLevelKeyProblem(value.clientMetadata) : null);
  if (limit) {
    const { suffix, message } = describeLimitProblem(limit);
    return fail(`group-manifest-${suffix}`, message, limit.path === "" ? undefined : limit.path);
  }
  const parsed = GroupManifestSchema.safeParse(value);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  const [first] = parsed.error.issues;
  const problems = parsed.error.issues.map((i) => {
    const path = i.path.map(String).join(".");
    return path === "" ? i.message : `${path}: ${i.message}`;
  });
  const path = first?.path.map(String).join(".");
  return fail(
    "group-manifest-invalid",
    `breaks the manifest format: ${problems.join("; ")}`,
    path || undefined,
  );
}
