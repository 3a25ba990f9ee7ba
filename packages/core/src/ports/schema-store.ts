import type { MetadataSchema } from "../metadata/schema";

/** The metadata schema in force: read by every derivation, replaced by `PUT /schema`. */
export interface SchemaStore {
  /** The schema in force, or null when none is set. */
  get(): Promise<MetadataSchema | null>;
  /** Replaces the schema in force. */
  put(schema: MetadataSchema): Promise<void>;
}
