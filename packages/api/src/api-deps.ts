import type {
  DeadLetters,
  EncordSchema,
  ExportsBucket,
  JobStore,
  PipelineDeps,
  SchemaStore,
} from "@sluice/core";

/** Everything the HTTP API works through; built by the composition root (functions/api.ts, the local stack). */
export interface ApiDeps {
  pipeline: PipelineDeps;
  /** The metadata schema in force, read uncached so that a `PUT` is seen by the next `GET`. */
  schemaStore: SchemaStore;
  /** Reimport jobs: created by `POST /reimports`, read by `GET /reimports/{id}`. */
  jobs: JobStore;
  exportsBucket: ExportsBucket;
  /** The bearer token every route but `/health` and `/openapi.json` requires. */
  token: string;
  /** A new sortable id (a ULID) for ad-hoc import files and oversized responses. */
  newId(): string;
  /** Logs an unexpected error: its name and message only, never the stack. */
  logError(message: string, details: Record<string, unknown>): void;
  /** The ingest and work dead letters; unset where no queues are configured (`/dead-letters` answers 501). */
  deadLetters?: DeadLetters;
  /** Encord's own schema map (encord-api.md §2.6); unset while delivery is off (`?source=encord`, `?push=true` answer 409). */
  encordSchema?: EncordSchema;
  /** Response bodies above this many bytes are answered with a presigned URL; 5 MB by default. */
  maxResponseBytes?: number;
}

/** Lambda responses stop at 6 MB; 5 MB (10⁶-byte MB) leaves room for headers and encoding. */
export const MAX_RESPONSE_BYTES = 5_000_000;
