import type { ReadStats } from "../bytes/caching-byte-source";
import type { FolderRoute } from "../imports/encord-folders";
import type { ImportLimits } from "../imports/split";
import type { DeliveryStore } from "../ports/delivery-store";
import type { ExportStore } from "../ports/export-store";
import type { Flags } from "../ports/flags";
import type { Leases } from "../ports/leases";
import type { ObjectStore } from "../ports/object-store";
import type { RecordStore } from "../ports/record-store";
import type { SchemaStore } from "../ports/schema-store";
import type { WorkQueue } from "../ports/work-queue";
import type { ProbeSettings } from "../probes/probe-types";
import type { SluiceRecord } from "../records/record";

/** Settings of the pipeline, parsed once from config at cold start. */
export interface PipelineSettings {
  suffixes: readonly string[];
  emitTextPdfMetadata: boolean;
  probeSettings: ProbeSettings;
  limits: ImportLimits;
  objectUrlOf(key: string): string;
  /** Keys per page of fan-out work. */
  pageSize: number;
  /** Delivery to Encord: which folder a key goes to; absent while delivery is off. */
  delivery?: { routes: readonly FolderRoute[]; folder: string | null };
}

/** The ports and clock every pipeline use case works through. */
export interface PipelineDeps {
  objects: ObjectStore;
  records: RecordStore;
  /** The exporter's lease. */
  leases: Leases;
  /** "An assembly is queued" flags of groups and series. */
  flags: Flags;
  /** The metadata schema every derivation validates against (cached in a Lambda process). */
  schema: SchemaStore;
  work: WorkQueue;
  exports: ExportStore;
  /** Present when delivery to Encord is on: the exporter queues a delivery per file it writes. */
  deliveries?: DeliveryStore;
  settings: PipelineSettings;
  /** ISO 8601 time now. */
  now(): string;
  /** Told of every derivation, for logs and metrics (records by status, bytes and requests per object). */
  observe?(derivation: Derivation): void;
}

/** One derivation as the observer sees it. */
export interface Derivation {
  key: string;
  outcome: DeriveOutcome;
  record: SluiceRecord | null;
  read: ReadStats | null;
  /** The revision written, when this derivation wrote the record (outbound events de-duplicate on it). */
  revision?: number;
}

/** What one derivation did to a record. */
export type DeriveOutcome = "written" | "unchanged" | "stale" | "tombstoned" | "ignored";
