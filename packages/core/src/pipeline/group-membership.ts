import { GROUP_MANIFEST_FILE_NAME } from "../classify-key";
import { folderOf } from "../groups/group-result";
import type { StoredRecord } from "../ports";
import type { SluiceRecord } from "../record";
import type { AssembleGroupMessage, AssembleSeriesMessage } from "../work-message";
import type { PipelineDeps } from "./pipeline-deps";

/** An assembly of a group or series. */
export type AssemblyMessage = AssembleGroupMessage | AssembleSeriesMessage;

/**
 * How long a queued assembly keeps later requests for the same group from queueing another: past
 * this, its message is taken as lost and the next member change queues a fresh one.
 */
const ASSEMBLY_FLAG_STALE_SECONDS = 300;

/** The key of a DICOM series record (a folder's image group is keyed by the folder itself). */
export function seriesRecordKey(seriesUid: string): string {
  return `dicom:${seriesUid}`;
}

/**
 * The group or series a derived record belongs to (design.md "Groups"): an image in a folder with
 * a `_group.json` joins the folder's group, a DICOM file with a SeriesInstanceUID joins its series.
 */
export async function membershipOf(deps: PipelineDeps, record: SluiceRecord): Promise<string | undefined> {
  if (record.status === "deleted") return record.groupKey;
  const uid = record.mediaMetadata?.dicom?.seriesInstanceUid;
  if (record.dataType === "dicom" && uid) return seriesRecordKey(uid);
  if (record.dataType !== "image") return undefined;
  const folder = folderOf(record.key);
  return (await deps.objects.head(`${folder}${GROUP_MANIFEST_FILE_NAME}`)) ? folder : undefined;
}

/** A member's export state: held, except that a member Encord already has stays exported. */
export function memberExport(existing: StoredRecord | null): SluiceRecord["export"] {
  return existing?.export.state === "exported" ? existing.export : { state: "held" };
}

/** The assembly message of the group or series a record belongs to, or null for a record in none. */
export function assemblyFor(
  record: Pick<SluiceRecord, "bucket" | "key" | "groupKey">,
): AssemblyMessage | null {
  const { groupKey } = record;
  if (groupKey === undefined) return null;
  if (!groupKey.startsWith("dicom:"))
    return { type: "assemble-group", bucket: record.bucket, folder: groupKey };
  const seriesUid = groupKey.slice("dicom:".length);
  return { type: "assemble-series", bucket: record.bucket, seriesUid, folder: folderOf(record.key) };
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
  if (!(await deps.records.raiseFlag(flag, deps.now(), ASSEMBLY_FLAG_STALE_SECONDS))) return;
  try {
    await deps.work.send(message);
  } catch (error) {
    // Unqueued: lower the flag so that the event's redelivery queues the assembly again.
    await deps.records.lowerFlag(flag).catch(() => undefined);
    throw error;
  }
}

/** Queues the re-assembly of the group or series a record belongs to. */
export async function queueAssembly(deps: PipelineDeps, record: SluiceRecord): Promise<void> {
  const message = assemblyFor(record);
  if (message !== null) await requestAssembly(deps, message);
}
