import { TransientError, WriteConflictError } from "../errors";
import type { FolderDefaults } from "../groups/group-result";
import { folderDefaultsLoader } from "../groups/read-group-inputs";
import { issue } from "../issues";
import { stableStringify } from "../json";
import { defaultsKeysFor } from "../keys/classify-key";
import type { StoredRecord } from "../ports/record-store";
import type { SluiceRecord } from "../records/record";
import { planListing } from "../scan/plan-listing";
import { memberExport } from "./group-membership";
import { sameContent } from "./next-stored-record";
import type { PipelineDeps } from "./pipeline-deps";

const MAX_ATTEMPTS = 5;
const CHANGED_AFTER_EXPORT = "changed-after-export";
const MEMBERS_EXPORTED_ALONE = "members-exported-alone";
const PAGE = 1_000;

/** The data objects directly in a folder (not in its subfolders), with their records. */
export async function folderRecords(deps: PipelineDeps, folder: string): Promise<StoredRecord[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.objects.list(folder, cursor, PAGE);
    keys.push(...page.keys.filter((key) => !key.slice(folder.length).includes("/")));
    cursor = page.cursor;
  } while (cursor !== null);
  const { dataKeys } = planListing(keys, deps.settings.suffixes);
  return deps.records.getMany(deps.objects.bucket, dataKeys);
}

/** The merged `_defaults.json` metadata that applies to a folder, and the errors of unusable files. */
export async function folderDefaults(deps: PipelineDeps, folder: string) {
  const present: string[] = [];
  for (const key of defaultsKeysFor(`${folder}_`)) {
    if ((await deps.objects.head(key)) !== null) present.push(key);
  }
  const plan = planListing(present, deps.settings.suffixes);
  const loaded = await folderDefaultsLoader(deps.objects, plan)(folder);
  const metadata: FolderDefaults = loaded.metadata;
  return { metadata, errors: loaded.errors };
}

/**
 * Writes a group record with a conditional write, retried on a lost race. The stored record is read
 * before `build` reads the members, so an assembly from an older view of the folder than the one
 * already stored loses the race and is built again. The export state follows design.md "Groups":
 * pending once ready with a new entry, kept for an unchanged entry, and held with
 * `changed-after-export` when an exported group changes, until a reimport with `force` re-sends it.
 */
export async function storeGroup(
  deps: PipelineDeps,
  key: string,
  force: boolean,
  build: (existing: StoredRecord | null) => Promise<SluiceRecord | null>,
): Promise<"written" | "unchanged" | "ignored"> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const existing = await deps.records.get(deps.objects.bucket, key);
    const built = await build(existing);
    if (built === null) return "ignored";
    const { record: derived, exportState } = withExportState(existing, built, force);
    if (existing && sameContent(existing, derived)) return "unchanged";
    const revision = (existing?.revision ?? 0) + 1;
    const next = { ...derived, export: exportState, revision, sequencers: existing?.sequencers ?? {} };
    try {
      await deps.records.put(next, existing?.revision ?? null);
      return "written";
    } catch (error) {
      if (!(error instanceof WriteConflictError)) throw error;
    }
  }
  throw new TransientError(`gave up on a group record after ${MAX_ATTEMPTS} conflicting writes`);
}

/**
 * A group record with Encord's place kept from the stored one, and its export state (design.md "Groups"):
 * pending once ready with a new entry, kept for an unchanged entry, and held with `changed-after-export`
 * when an exported group changes, until `force` re-sends it.
 */
function withExportState(
  existing: StoredRecord | null,
  built: SluiceRecord,
  force: boolean,
): { record: SluiceRecord; exportState: SluiceRecord["export"] } {
  const record = existing?.encord ? { ...built, encord: existing.encord } : built;
  const sameEntry = stableStringify(existing?.importEntry ?? null) === stableStringify(record.importEntry);
  const changedBefore = existing?.warnings.some((w) => w.code === CHANGED_AFTER_EXPORT) ?? false;
  if (force && record.status === "ready" && existing && (changedBefore || !sameEntry))
    return { record, exportState: { state: "pending" } };
  if (
    record.status !== "deleted" &&
    ((existing?.export.state === "exported" && !sameEntry) || changedBefore)
  ) {
    const message = "the group changed after its export; a reimport with force re-sends it";
    const warnings = [...record.warnings, issue(CHANGED_AFTER_EXPORT, message)];
    return { record: { ...record, warnings }, exportState: { state: "held" } };
  }
  if (record.status === "ready")
    return { record, exportState: sameEntry && existing ? existing.export : { state: "pending" } };
  return { record, exportState: { state: "held" } };
}

// Keys a `members-exported-alone` warning names; the rest are counted (a record item stops at 400 KB).
const NAMED_MEMBERS = 50;

/**
 * The `members-exported-alone` warning of a group whose members Encord already has as items of their
 * own: exported before the group's manifest was seen (`aws s3 sync` uploads in no fixed order), or
 * claimed for an import file that has been written since. Empty when there are none.
 */
export async function membersSentAlone(
  deps: PipelineDeps,
  members: readonly StoredRecord[],
): Promise<SluiceRecord["warnings"]> {
  const sent: string[] = [];
  const written = new Map<string, Promise<boolean>>();
  for (const member of members) {
    const { state, file } = member.export;
    if (state !== "exported" && file === undefined) continue;
    if (state !== "exported" && file !== undefined) {
      const exists = written.get(file) ?? deps.exports.hasImport(file);
      written.set(file, exists);
      if (!(await exists)) continue;
    }
    sent.push(member.key);
  }
  if (sent.length === 0) return [];
  sent.sort();
  const more = sent.length > NAMED_MEMBERS ? ` and ${sent.length - NAMED_MEMBERS} more` : "";
  const message =
    `${sent.length} member(s) were exported as single images before the group's manifest was seen, ` +
    `so Encord has them as items of their own as well: ${sent.slice(0, NAMED_MEMBERS).join(", ")}${more}. ` +
    "Upload _group.json before its members; delete those items in Encord if they belong only to the group";
  return [issue(MEMBERS_EXPORTED_ALONE, message)];
}

/** Marks records as members of a group (held, or still exported when Encord has them), retrying lost races. */
export async function holdMembers(
  deps: PipelineDeps,
  members: readonly StoredRecord[],
  groupKey: string,
): Promise<void> {
  for (const first of members) {
    let current: StoredRecord | null = first;
    for (
      let attempt = 1;
      current && current.status !== "deleted" && current.groupKey !== groupKey;
      attempt += 1
    ) {
      if (attempt > MAX_ATTEMPTS) throw new TransientError(`gave up holding ${first.key}`);
      const next = { ...current, groupKey, export: memberExport(current), revision: current.revision + 1 };
      try {
        await deps.records.put(next, current.revision);
        current = null;
      } catch (error) {
        if (!(error instanceof WriteConflictError)) throw error;
        current = await deps.records.get(first.bucket, first.key);
      }
    }
  }
}
