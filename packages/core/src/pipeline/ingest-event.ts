import { issue } from "../issues";
import { classifyKey } from "../keys/classify-key";
import { deriveAndStore } from "./derive-and-store";
import { requestAssembly } from "./group-membership";
import type { DeriveOutcome, PipelineDeps } from "./pipeline-deps";
import { decodeEventKey, type StorageEvent } from "./storage-event";

/** What an event led to, for logs and metrics. */
export interface IngestResult {
  key: string;
  role: ReturnType<typeof classifyKey>["kind"];
  outcome: DeriveOutcome | "enqueued";
}

/**
 * Handles one S3 object event (design.md "Data flow"): a data object is derived and recorded; a
 * sidecar re-derives its data object's record; a `_defaults.json` change fans out through the
 * work queue, as does a `_group.json` change (its group is re-assembled); a delete tombstones the record unless the object still answers HEAD.
 */
export async function ingestEvent(deps: PipelineDeps, event: StorageEvent): Promise<IngestResult> {
  const key = await resolveKey(deps, event);
  const role = classifyKey(key, deps.settings.suffixes);
  const trigger = { source: key, sequencer: event.sequencer };
  const warnings =
    key === decodeEventKey(event.rawKey)
      ? []
      : [
          issue(
            "raw-key-used",
            `the event key answered only in its raw form "${event.rawKey}", so it was not decoded`,
          ),
        ];
  switch (role.kind) {
    case "data":
      return { key, role: role.kind, outcome: await deriveAndStore(deps, key, trigger, { warnings }) };
    case "sidecar":
      return { key, role: role.kind, outcome: await deriveAndStore(deps, role.dataKey, trigger) };
    case "defaults":
      await rederive(deps, event, key, role.prefix);
      return { key, role: role.kind, outcome: "enqueued" };
    case "group-manifest":
      // The assembly reads the manifest and members as they are now, so the event's order decides nothing.
      await requestAssembly(deps, { type: "assemble-group", bucket: event.bucket, folder: role.prefix });
      // Without their manifest the members are single images again: re-derived, they leave the group.
      if (event.kind === "deleted") await rederive(deps, event, key, role.prefix);
      return { key, role: role.kind, outcome: "enqueued" };
  }
}

/** Queues the re-derivation of every data object under a prefix, caused by the event on `source`. */
async function rederive(deps: PipelineDeps, event: StorageEvent, source: string, prefix: string) {
  const { bucket, sequencer } = event;
  await deps.work.send({ type: "rederive-prefix", bucket, prefix, source, sequencer, cursor: null });
}

/**
 * Picks the decoded key, or the raw key when only that form exists (EventBridge key encoding is
 * undocumented): for a create, the form that answers HEAD; for a delete, the form with a record.
 */
async function resolveKey(deps: PipelineDeps, event: StorageEvent): Promise<string> {
  const decoded = decodeEventKey(event.rawKey);
  if (decoded === event.rawKey) return decoded;
  if (event.kind === "created") {
    if ((await deps.objects.head(decoded)) !== null) return decoded;
    return (await deps.objects.head(event.rawKey)) !== null ? event.rawKey : decoded;
  }
  if ((await deps.records.get(deps.objects.bucket, decoded)) !== null) return decoded;
  return (await deps.records.get(deps.objects.bucket, event.rawKey)) !== null ? event.rawKey : decoded;
}
