import type { SluiceRecord, StoredRecord } from "@sluice/core";

/** A record as the API shows it: without the write-ordering fields `revision` and `sequencers`. */
export function publicRecord(record: StoredRecord): SluiceRecord {
  const { revision: _revision, sequencers: _sequencers, ...shown } = record;
  return shown;
}
