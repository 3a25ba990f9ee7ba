import { issue } from "../issues";
import { emptyRecord, type ObjectRef } from "./derive";
import type { SluiceRecord } from "./record";

/** A record for an object that could not be read: `invalid`, with the reason. */
export function unreadableRecord(ref: ObjectRef, now: string, message: string): SluiceRecord {
  const record = emptyRecord(ref, now);
  return {
    ...record,
    status: "invalid",
    errors: [issue("object-unreadable", message)],
    export: { state: "held" },
  };
}
