import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import {
  createMemoryQueue,
  type MemoryQueue,
  memoryQueueSnapshotSchema,
  type SqsBatchHandler,
} from "@sluice/aws";
import type { z } from "zod";
import { createSnapshotWriter, loadSnapshot, releaseInFlight } from "./queue-store";

/** A memory queue whose state lives in DATA_DIR/queues/<name>.json. */
export interface PersistentQueue<T> {
  queue: MemoryQueue<T>;
  /** Writes the latest state now. */
  flush(): Promise<void>;
}

// A failed message reappears after this long: locally it is the retry delay, not a processing budget.
const VISIBILITY_TIMEOUT_MS = 1_000;
// Batches in flight per queue: enough to overlap the emulators' I/O waits, few enough to stay near their CPU.
const DRAIN_PARALLEL = 4;

/** Opens the named queue, restoring what was queued (and dead-lettered) when the stack last stopped. */
export async function openPersistentQueue<T>(
  dataDir: string,
  name: string,
  body: z.ZodType<T>,
): Promise<PersistentQueue<T>> {
  const file = join(dataDir, "queues", `${name}.json`);
  const writer = createSnapshotWriter<T>(file);
  const saved = await loadSnapshot(file, memoryQueueSnapshotSchema(body));
  const queue = createMemoryQueue<T>({
    name,
    visibilityTimeoutMs: VISIBILITY_TIMEOUT_MS,
    // The snapshot is taken when the writer writes, not on every change.
    onDirty: () => writer.scheduleFrom(() => queue.snapshot()),
  });
  if (saved !== null) queue.restore(releaseInFlight(saved, Date.now()));
  return { queue, flush: () => writer.flush() };
}

/** A loop that hands a queue's messages to a handler until stopped. */
export interface DrainLoop {
  /** Lets the batch in progress finish, then resolves. */
  stop(): Promise<void>;
}

/**
 * Drains the queue whenever it has messages, and polls every `idleMs` when it is empty. `parallel` drains
 * share the queue, as concurrent Lambda invocations share an SQS queue, so that one batch waiting on the
 * emulators does not hold up the next. Failures are retried by the queue itself (visibility timeout, then
 * its dead letters); a drain that throws is reported.
 */
export function startDrainLoop<T>(
  queue: MemoryQueue<T>,
  handler: SqsBatchHandler,
  onError: (error: unknown) => void,
  idleMs = 50,
  parallel = DRAIN_PARALLEL,
): DrainLoop {
  let stopping = false;
  const run = async () => {
    while (!stopping) {
      // Another drain's in-flight messages are its own: only visible messages are worth a drain here.
      if (queue.size() === 0) {
        await delay(idleMs);
        continue;
      }
      try {
        // The local stack has no Lambda timeout; a long fan-out must not be cut off.
        await queue.drain(handler, {
          until: () => stopping || queue.size() === 0,
          timeoutMs: 24 * 3_600_000,
        });
      } catch (error) {
        onError(error);
        await delay(idleMs);
      }
    }
  };
  const done = Promise.all(Array.from({ length: parallel }, run));
  return {
    async stop() {
      stopping = true;
      await done;
    },
  };
}
