import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { z } from "zod";
import type { SqsBatchHandler } from "./local/drain-queue";
import { createMemoryQueue, type MemoryQueue } from "./local/memory-queue";
import {
  type MemoryQueueSnapshot,
  memoryQueueSnapshotSchema,
  type StoredMessage,
  storedMessageSchema,
} from "./local/queue-snapshot";
import { openJournal, readJournal } from "./queue-journal";
import { createSnapshotWriter, loadSnapshot, releaseInFlight } from "./queue-store";

/**
 * The ingest and work functions' timeouts, as stacks/ingest.ts deploys them (INGEST_TIMEOUT_SECONDS,
 * WORK_TIMEOUT_SECONDS). stacks/ runs only inside SST, so they are repeated here; a test keeps them equal.
 */
export const LOCAL_FUNCTION_TIMEOUT_MS = { ingest: 60_000, work: 300_000 } as const;

/** A queue's visibility timeout for a function's timeout: six times it, as stacks/ingest.ts sets (AWS's advice). */
export function queueVisibilityMs(functionTimeoutMs: number): number {
  return 6 * functionTimeoutMs;
}

// Locally a failed message is visible again after this, not after the rest of its visibility timeout as in
// AWS: a message that always fails reaches its dead letters in seconds rather than 5 × 6 minutes.
const RETRY_DELAY_MS = 1_000;
// Batches in flight per queue: enough to overlap the emulators' I/O waits, few enough to stay near their CPU.
const DRAIN_PARALLEL = 4;

/**
 * A memory queue whose state lives in DATA_DIR/queues/<name>.json, written every so often, and whose sends are
 * also appended to a journal before they resolve (queue-journal.ts): a message sent is never lost to a kill.
 */
export interface PersistentQueue<T> {
  queue: MemoryQueue<T>;
  /** Writes the latest state now. */
  flush(): Promise<void>;
}

/**
 * Opens the named queue, restoring what was queued (and dead-lettered) when the stack last stopped: the
 * snapshot, then the messages journaled after it that it does not hold.
 */
export async function openPersistentQueue<T>(
  dataDir: string,
  name: string,
  body: z.ZodType<T>,
  options: { visibilityTimeoutMs?: number } = {},
): Promise<PersistentQueue<T>> {
  const dir = join(dataDir, "queues");
  const file = join(dir, `${name}.json`);
  const saved = await loadSnapshot(file, memoryQueueSnapshotSchema(body));
  const journaled = await readJournal(dir, name, storedMessageSchema(body));
  const journal = openJournal<T>(dir, name, journaled.generations);
  // The journal files a snapshot covers are dropped once it is written: cut when taken, dropped after.
  let dropCovered: (() => void) | null = null;
  const writer = createSnapshotWriter<T>(file, undefined, { onWritten: () => dropCovered?.() });
  const queue = createMemoryQueue<T>({
    name,
    // SQS's default when the caller names no function.
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 30_000,
    // The snapshot is taken when the writer writes, not on every change.
    onDirty: () =>
      writer.scheduleFrom(() => {
        dropCovered = journal.cut();
        return queue.snapshot();
      }),
    onSend: (message) => journal.append(message),
  });
  const restored = withJournaled(saved, journaled.messages);
  if (restored !== null) queue.restore(releaseInFlight(restored, Date.now()));
  return {
    queue,
    async flush() {
      await writer.flush();
      journal.close();
    },
  };
}

/** The snapshot with the journaled messages it does not hold (sent after it was taken) added in send order. */
function withJournaled<T>(
  saved: MemoryQueueSnapshot<T> | null,
  journaled: readonly StoredMessage<T>[],
): MemoryQueueSnapshot<T> | null {
  if (journaled.length === 0) return saved;
  const base = saved ?? { version: 1 as const, messages: [], deadLetters: [] };
  const held = new Set([...base.messages, ...base.deadLetters].map((m) => m.messageId));
  const added = journaled.filter((m) => !held.has(m.messageId));
  return { ...base, messages: [...base.messages, ...added] };
}

/** How a drain loop runs its function. */
export interface DrainLoopOptions {
  /** The function's timeout (Lambda's): each batch's context starts with it, and the batch fails past it. */
  functionTimeoutMs?: number;
  /** Default 1 s. */
  retryDelayMs?: number;
  /** How often an empty queue is looked at (default 50 ms). */
  idleMs?: number;
  /** Drains sharing the queue (default 4). */
  parallel?: number;
}

/** A loop that hands a queue's messages to a handler until stopped. */
export interface DrainLoop {
  /** Lets the batch in progress finish, then resolves. */
  stop(): Promise<void>;
}

/**
 * Drains the queue whenever it has messages, and polls every `idleMs` when it is empty. `parallel` drains
 * share the queue, as concurrent Lambda invocations share an SQS queue, so that one batch waiting on the
 * emulators does not hold up the next; a batch's messages stay hidden while it runs, however long. Failures
 * are retried by the queue itself (after the retry delay, then its dead letters); a drain that throws is reported.
 */
export function startDrainLoop<T>(
  queue: MemoryQueue<T>,
  handler: SqsBatchHandler,
  onError: (error: unknown) => void,
  options: DrainLoopOptions = {},
): DrainLoop {
  const { idleMs = 50, parallel = DRAIN_PARALLEL } = options;
  let stopping = false;
  const run = async () => {
    while (!stopping) {
      // Another drain's in-flight messages are its own: only visible messages are worth a drain here.
      if (queue.size() === 0) {
        await delay(idleMs);
        continue;
      }
      try {
        // The drain itself has no end: a batch is bounded by the function's timeout, as in Lambda.
        await queue.drain(handler, {
          until: () => stopping || queue.size() === 0,
          timeoutMs: 24 * 3_600_000,
          functionTimeoutMs: options.functionTimeoutMs,
          retryDelayMs: options.retryDelayMs ?? RETRY_DELAY_MS,
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
