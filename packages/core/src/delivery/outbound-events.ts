import { z } from "zod";
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
