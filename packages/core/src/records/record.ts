import { z } from "zod";
import { IssueSchema } from "../issues";
import { JsonObjectSchema } from "../json";
import { DATA_TYPES, GROUP_TYPES } from "../typing/data-type";
import { MediaMetadataSchema } from "./media-metadata";

export const RECORD_STATUSES = ["ready", "incomplete", "invalid", "skipped", "deleted"] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Where each top-level `clientMetadata` key came from: the key of the file (or `api`) that set it. */
export const ProvenanceSchema = z.record(z.string(), z.string());
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const ExportStateSchema = z.object({
  state: z.enum(["pending", "exported", "held"]),
  file: z.string().optional(),
  at: z.string().optional(),
});

/** A data unit's record, as the API and the CLI show it (design.md "Records"). */
export const SluiceRecordSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  objectUrl: z.string(),
  dataType: z.enum([...DATA_TYPES, ...GROUP_TYPES]).nullable(),
  status: z.enum(RECORD_STATUSES),
  title: z.string(),
  clientMetadata: JsonObjectSchema,
  provenance: ProvenanceSchema,
  mediaMetadata: MediaMetadataSchema.nullable(),
  sidecarKey: z.string().nullable(),
  etag: z.string().nullable(),
  versionId: z.string().nullable(),
  errors: z.array(IssueSchema),
  warnings: z.array(IssueSchema),
  updatedAt: z.string(),
  importEntry: JsonObjectSchema.nullable(),
  export: ExportStateSchema,
  /** The layer written through the API (`PATCH`/`PUT /records/{key}/metadata`), above the sidecar. */
  apiLayer: JsonObjectSchema.nullable().optional(),
  /** The group or series this object is a member of (`<folder>/` or `dicom:<SeriesInstanceUID>`); members are held. */
  groupKey: z.string().optional(),
  encord: z
    .object({ itemId: z.string().optional(), jobId: z.string().optional(), error: z.string().optional() })
    .optional(),
});
export type SluiceRecord = z.infer<typeof SluiceRecordSchema>;
