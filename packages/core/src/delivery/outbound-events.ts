import { z } from "zod";
import type { Derivation } from "../pipeline/pipeline-deps";
import { RECORD_STATUSES } from "../records/record";

/** The `source` of every event Sluice publishes. */
export const OUTBOUND_EVENT_SOURCE = "sluice";

/** The names of Sluice's outbound events: each is the event's `detail-type`. */
export const OUTBOUND_EVENT_TYPES = [
  "ingest.completed",
  "ingest.failed",
  "sidecar.invalid",
  "export.written",
] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

// Every detail carries `id`: the same record revision (or file) always gives the same id, so consumers de-duplicate on it.
const BaseDetailSchema = z.object({ id: z.string().min(1) });
const ErrorRefSchema = z.object({ code: z.string(), message: z.string() });

/** `ingest.completed`: a record was written with any status but `invalid`. */
export const IngestCompletedDetailSchema = BaseDetailSchema.extend({
  bucket: z.string(),
  key: z.string(),
  status: z.enum(RECORD_STATUSES),
  dataType: z.string().nullable(),
  revision: z.number().int().min(1),
  warnings: z.array(z.string()),
  exportState: z.enum(["pending", "exported", "held"]),
});

/** `ingest.failed`: a record was written `invalid`, with its errors. */
export const IngestFailedDetailSchema = BaseDetailSchema.extend({
  bucket: z.string(),
  key: z.string(),
  revision: z.number().int().min(1),
  errors: z.array(ErrorRefSchema),
});

/** `sidecar.invalid`: a record was written whose sidecar could not be used (a `sidecar-*` error). */
export const SidecarInvalidDetailSchema = BaseDetailSchema.extend({
  bucket: z.string(),
  key: z.string(),
  sidecarKey: z.string(),
  revision: z.number().int().min(1),
  error: ErrorRefSchema,
});

/** `export.written`: the exporter wrote an import file. */
export const ExportWrittenDetailSchema = BaseDetailSchema.extend({
  file: z.string(),
  entries: z.number().int().min(0),
  /** Entries per import key of the file (`videos`, `images`, ...). */
  byImportKey: z.record(z.string(), z.number().int().min(0)),
});

const envelope = <T extends OutboundEventType, D extends z.ZodType>(detailType: T, detail: D) =>
  z.object({
    source: z.literal(OUTBOUND_EVENT_SOURCE),
    detailType: z.literal(detailType),
    /** ISO 8601: the record's `updatedAt`, or when the file was written. */
    time: z.string(),
    detail,
  });

/** One outbound event, as both the EventBridge and the webhook publisher send it. */
export const OutboundEventSchema = z.discriminatedUnion("detailType", [
  envelope("ingest.completed", IngestCompletedDetailSchema),
  envelope("ingest.failed", IngestFailedDetailSchema),
  envelope("sidecar.invalid", SidecarInvalidDetailSchema),
  envelope("export.written", ExportWrittenDetailSchema),
]);
export type OutboundEvent = z.infer<typeof OutboundEventSchema>;

/** Events a publisher could not deliver, and why: reported (logged, counted), never thrown. */
export interface PublishFailure {
  events: readonly OutboundEvent[];
  reason: string;
}

/** The id of an event about one record revision: `<type>:<bucket>#<key>#<revision>`. */
export function recordEventId(type: OutboundEventType, bucket: string, key: string, revision: number) {
  return `${type}:${bucket}#${key}#${revision}`;
}

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

/** The `export.written` event of one import file; its id is the file's key, written once. */
export function exportWrittenEvent(file: string, byImportKey: Record<string, number>, time: string) {
  const entries = Object.values(byImportKey).reduce((sum, n) => sum + n, 0);
  const detail = { id: `export.written:${file}`, file, entries, byImportKey };
  return {
    source: OUTBOUND_EVENT_SOURCE,
    detailType: "export.written",
    time,
    detail,
  } satisfies OutboundEvent;
}
