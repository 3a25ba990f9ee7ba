import type { EntryCounts } from "../imports/counts";

/** An import file as its storage describes it. */
export interface ImportFileInfo {
  /** When storage says the file was written (S3's Last-Modified, to the second). */
  writtenAt: string | null;
  counts: EntryCounts | null;
}

/** Sluice's own exports bucket: import files. */
export interface ExportStore {
  /** Stores an import file under `imports/<name>.json`, with its entry counts beside it, and returns its key. */
  putImport(name: string, body: string, counts: EntryCounts): Promise<string>;
  /** The key `putImport(name)` stores under. */
  importKey(name: string): string;
  /** Whether the import file at `key` exists. */
  hasImport(key: string): Promise<boolean>;
  /** The text of the import file at `key`. */
  getImport(key: string): Promise<string>;
  /**
   * What is known of the import file at `key` without reading it: when it was written and its entry
   * counts (null for a file stored without them); null when there is no such file.
   */
  describeImport(key: string): Promise<ImportFileInfo | null>;
}
