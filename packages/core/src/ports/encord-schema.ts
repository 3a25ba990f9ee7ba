/** Encord's whole metadata schema map (encord-api.md §2.6), read and replaced as one. */
export interface EncordSchema {
  /** The map, or null when the organisation has no schema. */
  get(): Promise<Record<string, unknown> | null>;
  /** Replaces the map. */
  put(map: Record<string, unknown>): Promise<void>;
}
