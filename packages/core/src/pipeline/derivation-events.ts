import { OUTBOUND_EVENT_SOURCE, type OutboundEvent, recordEventId } from "../delivery/outbound-events";
import type { Derivation } from "./pipeline-deps";

/**
 * The events of one derivation: only a write that changed the record publishes (a duplicate or
 * stale event changes nothing and so says nothing). `invalid` gives `ingest.failed`, any other status
 * `ingest.completed`; a `sidecar-*` error adds `sidecar.invalid`. A transient failure writes no
 * record and goes back to the queue, so it publishes nothing until a later attempt writes one.
 */
export function eventsOfDerivation(derivation: Derivation): OutboundEvent[] {
  const { record, revision, outcome } = derivation;
  if (record === null || revision === undefined) return [];
  if (outcome !== "written" && outcome !== "tombstoned") return [];
  const { bucket, key, updatedAt: time } = record;
  const base = { source: OUTBOUND_EVENT_SOURCE, time } as const;
  const events: OutboundEvent[] = [];
  if (record.status === "invalid") {
    const errors = record.errors.map(({ code, message }) => ({ code, message }));
    const id = recordEventId("ingest.failed", bucket, key, revision);
    events.push({ ...base, detailType: "ingest.failed", detail: { id, bucket, key, revision, errors } });
  } else {
    const id = recordEventId("ingest.completed", bucket, key, revision);
    const detail = {
      id,
      bucket,
      key,
      status: record.status,
      dataType: record.dataType,
      revision,
      warnings: record.warnings.map((w) => w.code),
      exportState: record.export.state,
    };
    events.push({ ...base, detailType: "ingest.completed", detail });
  }
  const sidecarError = record.errors.find((e) => e.code.startsWith("sidecar-"));
  if (sidecarError && record.sidecarKey !== null) {
    const id = recordEventId("sidecar.invalid", bucket, key, revision);
    const error = { code: sidecarError.code, message: sidecarError.message };
    const detail = { id, bucket, key, sidecarKey: record.sidecarKey, revision, error };
    events.push({ ...base, detailType: "sidecar.invalid", detail });
  }
  return events;
}
