import { groupKeyOf } from "../groups/group-key";
import { folderOf } from "../groups/group-result";
import type { AssembleGroupMessage, AssembleSeriesMessage } from "../jobs/work-message";
import { GROUP_MANIFEST_FILE_NAME } from "../keys/classify-key";
import { parseRecordKey, seriesRecordKey } from "../keys/record-key";
import type { StoredRecord } from "../ports/record-store";
import type { SluiceRecord } from "../records/record";
import type { PipelineDeps } from "./pipeline-deps";

/** An assembly of a group or series. */
export type AssemblyMessage = AssembleGroupMessage | AssembleSeriesMessage;

/**
 * How long a queued assembly keeps later requests for the same group from queueing another: past
 * this, its message is taken as lost and the next member change queues a fresh one.
 */
const ASSEMBLY_FLAG_STALE_SECONDS = 300;

/**
 * The group or series a derived record belongs to (`groupKeyOf`, the scan's rule too), asking storage
 * whether its folder has a `_group.json`; a tombstone keeps the group it was in.
 */
export async function membershipOf(deps: PipelineDeps, record: SluiceRecord): Promise<string | undefined> {
  if (record.status === "deleted") return record.groupKey;
  return groupKeyOf(
    record,
    async (folder) => (await deps.objects.head(`${folder}${GROUP_MANIFEST_FILE_NAME}`)) !== null,
  );
}

/**
 * A member's export state: held, except that a member Encord already has stays exported. A record the
 * exporter had claimed for an import file keeps the file's name: if that file is written, the member
 * was sent alone, and its group's assembly says so (`membersSentAlone`).
 */
export function memberExport(existing: StoredRecord | null): SluiceRecord["export"] {
  if (existing?.export.state === "exported") return existing.export;
  const file = existing?.export.file;
  return file === undefined ? { state: "held" } : { state: "held", file };
}

/** The assembly message of the group or series a record belongs to, or null for a record in none. */
export function assemblyFor(
  record: Pick<SluiceRecord, "bucket" | "key" | "groupKey">,
): AssemblyMessage | null {
  const { groupKey } = record;
  if (groupKey === undefined) return null;
  const group = parseRecordKey(groupKey);
  if (group.kind !== "series") return { type: "assemble-group", bucket: record.bucket, folder: groupKey };
  return {
    type: "assemble-series",
    bucket: record.bucket,
    seriesUid: group.seriesUid,
    folder: folderOf(record.key),
  };
}

/** The flag that says an assembly of this group is queued and not yet started. */
export function assemblyFlag(message: AssemblyMessage): string {
  const group =
    message.type === "assemble-group"
      ? message.folder
      : `${seriesRecordKey(message.seriesUid)}#${message.folder}`;
  return `assembly#${message.bucket}#${group}`;
}

/**
 * Queues an assembly unless one of the same group is already queued and not yet started: the
 * assembler lowers the flag before it reads the folder, so a member written before the flag was
 * seen is in the folder it reads, and a burst of member events costs one assembly, not one each.
 */
export async function requestAssembly(deps: PipelineDeps, message: AssemblyMessage): Promise<void> {
  const flag = assemblyFlag(message);
  if (!(await deps.flags.raise(flag, deps.now(), ASSEMBLY_FLAG_STALE_SECONDS))) return;
  try {
    await deps.work.send(message);
  } catch (error) {
    // Unqueued: lower the flag so that the event's redelivery queues the assembly again.
    await deps.flags.lower(flag).catch(() => undefined);
    throw error;
  }
}

/** Queues the re-assembly of the group or series a record belongs to. */
export async function queueAssembly(deps: PipelineDeps, record: SluiceRecord): Promise<void> {
  const message = assemblyFor(record);
  if (message !== null) await requestAssembly(deps, message);
}
