import { buildImportEntry } from "../imports/entry";
import { ImportEntrySchema } from "../imports/format";
import { titleFor } from "../imports/title";
import { type Issue, issue } from "../issues";
import type { MetadataSchema } from "../metadata/schema";
import { validateClientMetadata } from "../metadata/validate";
import type { GroupManifest } from "./group-manifest";
import {
  type FolderDefaults,
  folderOf,
  type GroupMember,
  type GroupResult,
  nameOf,
  overDefaults,
} from "./group-result";
import { naturalCompare } from "./natural-sort";

/** Encord's limit on entries in one image sequence (its custom-metadata import docs). */
export const MAX_SEQUENCE_FRAMES = 32_767;

/** Above this many frames Encord recommends a video instead; a warning, not an error. */
export const LONG_SEQUENCE_FRAMES = 15_000;

/** What `assembleImageGroup` needs: the manifest and the records of the objects directly in its folder. */
export interface AssembleGroupInput {
  manifestKey: string;
  manifest: GroupManifest;
  members: readonly GroupMember[];
  folderDefaults: FolderDefaults;
  schema?: MetadataSchema | null;
  objectUrlOf?(key: string): string;
}

/**
 * Assembles an image group or image sequence from its `_group.json` (design.md "Groups"): members
 * in `members` order or natural order, complete when every listed member (or `count` of them) is
 * present, `invalid` when a member or the limits say so, with an `image_groups` entry once ready.
 */
export function assembleImageGroup(input: AssembleGroupInput): GroupResult {
  const { manifest, manifestKey } = input;
  const folder = folderOf(manifestKey);
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const images = new Map<string, GroupMember>();
  for (const member of input.members) {
    if (member.record.dataType === "image") images.set(nameOf(member.key), member);
    else {
      const message = `${member.key} is not an image (${member.record.dataType ?? "unknown type"}); it is left out of the group`;
      warnings.push(issue("group-non-image-member", message));
    }
  }
  const missing: string[] = [];
  let ordered: GroupMember[];
  if (manifest.members) {
    const listed = new Set(manifest.members);
    ordered = manifest.members.flatMap((name) => {
      const member = images.get(name);
      if (member === undefined) missing.push(name);
      return member ? [member] : [];
    });
    for (const [name, member] of images) {
      if (listed.has(name)) continue;
      warnings.push(
        issue("group-unlisted-member", `${member.key} is not in the manifest's members; it is left out`),
      );
    }
    if (manifest.count !== undefined && manifest.count !== manifest.members.length) {
      const message = `count is ${manifest.count} but members lists ${manifest.members.length}; members decides`;
      warnings.push(issue("group-count-mismatch", message, "count"));
    }
  } else {
    ordered = [...images.values()].sort((a, b) => naturalCompare(nameOf(a.key), nameOf(b.key)));
  }
  for (const member of ordered) {
    if (member.record.status === "invalid" || member.record.status === "skipped") {
      const message = `member ${member.key} is ${member.record.status}; the group cannot export until it is fixed`;
      errors.push(issue("group-member-invalid", message));
    }
  }
  const isSequence = manifest.type === "image_sequence";
  if (isSequence) checkSequence(ordered, errors, warnings);

  const metadata = overDefaults(input.folderDefaults, manifestKey, manifest.clientMetadata ?? {});
  const validation = validateClientMetadata(metadata.clientMetadata, input.schema ?? null);
  errors.push(...validation.errors.map(({ code, message, path }) => issue(code, message, path)));
  warnings.push(...validation.warnings);

  const title = manifest.title ?? titleFor(folder === "" ? manifestKey : folder.slice(0, -1));
  const memberKeys = ordered.map((m) => m.key);
  const base = { title, ...metadata, memberKeys, missing, errors, warnings, entry: null };
  if (errors.length > 0) return { ...base, status: "invalid" };
  const incomplete = incompleteness(manifest, ordered.length, missing);
  if (incomplete) return { ...base, status: "incomplete", warnings: [...warnings, incomplete] };

  const built = buildImportEntry(
    {
      unitType: manifest.type,
      title,
      clientMetadata: metadata.clientMetadata,
      objectUrls: ordered.map((m) => input.objectUrlOf?.(m.key) ?? m.record.objectUrl),
    },
    { emitTextPdfMetadata: false },
  );
  const checked = ImportEntrySchema.safeParse({ importKey: built.importKey, entry: built.entry });
  if (checked.success) return { ...base, status: "ready", entry: checked.data.entry };
  for (const problem of checked.error.issues) {
    const path = problem.path.slice(1).join(".");
    errors.push(issue("invalid-import-entry", problem.message, path || undefined));
  }
  return { ...base, status: "invalid" };
}

/** Why a group is not complete yet, or undefined when it is. */
function incompleteness(manifest: GroupManifest, present: number, missing: string[]): Issue | undefined {
  if (missing.length > 0) {
    const message = `${missing.length} of ${manifest.members?.length ?? 0} members missing: ${missing.join(", ")}`;
    return issue("group-incomplete", message);
  }
  if (manifest.count !== undefined && manifest.members === undefined && present < manifest.count) {
    return issue("group-incomplete", `${present} of ${manifest.count} members present`);
  }
  if (present === 0) return issue("group-incomplete", "no image members yet");
  return undefined;
}

function checkSequence(ordered: readonly GroupMember[], errors: Issue[], warnings: Issue[]): void {
  const n = ordered.length;
  if (n > MAX_SEQUENCE_FRAMES) {
    const message = `an image sequence holds at most ${MAX_SEQUENCE_FRAMES} frames (Encord's limit); this one has ${n}`;
    errors.push(issue("sequence-too-long", message));
  } else if (n > LONG_SEQUENCE_FRAMES) {
    const message = `${n} frames; Encord recommends at most ${LONG_SEQUENCE_FRAMES} per sequence, or a video`;
    warnings.push(issue("sequence-long", message));
  }
  const [first, ...rest] = ordered;
  const size = (m: GroupMember) => [m.record.mediaMetadata?.width, m.record.mediaMetadata?.height];
  if (!first) return;
  const [w, h] = size(first);
  const other = rest.find((m) => {
    const [mw, mh] = size(m);
    return (
      mw !== undefined && mh !== undefined && w !== undefined && h !== undefined && (mw !== w || mh !== h)
    );
  });
  if (other) {
    const [ow, oh] = size(other);
    const message = `${other.key} is ${ow}x${oh} but the first frame ${first.key} is ${w}x${h}; Encord resizes every frame to the first`;
    warnings.push(issue("mixed-image-sizes", message));
  }
}
