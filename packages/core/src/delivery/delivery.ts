/** Where one import file is on its way into Encord (design.md "Delivery to Encord"). */
export const DELIVERY_STATES = ["queued", "submitting", "running", "done", "failed"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One import file's delivery: an Encord upload job for one folder, followed to its end. */
export interface Delivery {
  /** The import file's key in the exports bucket; one delivery per file. */
  file: string;
  folder: string;
  /** The records whose entries the file holds. */
  keys: string[];
  state: DeliveryState;
  /** Encord's upload job id, once the job was started. */
  jobId: string | null;
  /** Job starts so far: more than one means a start whose answer was lost was sent again. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** Encord's unit counts once the job ended. */
  counts: { done: number; error: number; cancelled: number } | null;
  /** Job-level errors, and why a delivery failed. */
  errors: string[];
}

/** What Sluice reads of an Encord upload job's state (encord-api.md §2.2). */
export interface UploadJobResult {
  status: "PENDING" | "DONE" | "ERROR" | "CANCELLED";
  itemsWithNames: { itemUuid: string; name: string }[];
  unitErrors: { objectUrls: string[]; error: string }[];
  errors: string[];
  counts: { done: number; error: number; cancelled: number };
}

/** The states a delivery is still open in: the poller has something to do for it. */
export function isOpen(state: DeliveryState): boolean {
  return state === "queued" || state === "submitting" || state === "running";
}
