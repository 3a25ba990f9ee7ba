import type { Delivery, DeliveryState } from "../delivery/delivery";

/** Deliveries of import files to Encord, in the records table. */
export interface DeliveryStore {
  /** Adds a queued delivery unless one exists for its file. */
  enqueue(delivery: Delivery): Promise<void>;
  /** Open deliveries (queued, submitting, running), oldest first. */
  listOpen(): Promise<Delivery[]>;
  /** The newest deliveries first, open or not, up to `limit`. */
  listRecent(limit: number): Promise<Delivery[]>;
  /** The deliveries of these import files (by key), in any order; a file never delivered has none. */
  getMany(files: readonly string[]): Promise<Delivery[]>;
  /** Writes `next` only if the stored state is still `expected`; answers whether it did. */
  update(next: Delivery, expected: DeliveryState): Promise<boolean>;
}
