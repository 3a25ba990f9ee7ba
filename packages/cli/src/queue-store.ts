import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { z } from "zod";
import type { MemoryQueueSnapshot } from "./local/queue-snapshot";

/** Writes a queue's snapshots to one file, debounced, each write atomic (temp file then rename). */
export interface SnapshotWriter<T> {
  /** Remembers the latest snapshot and writes it within the debounce delay. */
  schedule(snapshot: MemoryQueueSnapshot<T>): void;
  /** Like schedule, but the snapshot is taken only when the write happens: a burst of changes costs one copy. */
  scheduleFrom(take: () => MemoryQueueSnapshot<T>): void;
  /** Writes the latest snapshot now, if one is pending, and waits for every write to finish. */
  flush(): Promise<void>;
}

/** Reads a persisted snapshot; null when there is none yet. A corrupt file is an error: dropping it would lose messages. */
export async function loadSnapshot<T>(
  file: string,
  schema: z.ZodType<MemoryQueueSnapshot<T>>,
): Promise<MemoryQueueSnapshot<T> | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a queue snapshot: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * Makes messages that were in flight when the process stopped visible at once: nothing holds them
 * any more, and waiting out their visibility timeout would only delay them.
 */
export function releaseInFlight<T>(snapshot: MemoryQueueSnapshot<T>, now: number): MemoryQueueSnapshot<T> {
  return {
    ...snapshot,
    messages: snapshot.messages.map((m) => ({
      ...m,
      visibleAt: Math.min(m.visibleAt, now),
      receiptHandle: null,
    })),
  };
}

/**
 * Creates a writer for `file`; a burst of changes becomes one write. The delay also grows to four times the
 * last write's duration, so that a long queue (whose snapshot takes a while to serialise) is written less
 * often rather than taking most of the process's time. `onWritten` is called after each write, before the next
 * snapshot is taken.
 */
export function createSnapshotWriter<T>(
  file: string,
  debounceMs = 50,
  options: { onWritten?: () => void } = {},
): SnapshotWriter<T> {
  let pending: (() => MemoryQueueSnapshot<T>) | null = null;
  let lastWriteMs = 0;
  let timer: NodeJS.Timeout | undefined;
  // Writes run one after another so that an older snapshot never lands after a newer one.
  let tail: Promise<void> = Promise.resolve();
  let failure: unknown;

  const writeNow = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const take = pending;
    pending = null;
    if (take === null) return tail;
    tail = tail
      .then(async () => {
        const started = performance.now();
        await writeAtomically(file, JSON.stringify(take()));
        lastWriteMs = performance.now() - started;
        options.onWritten?.();
      })
      .catch((error: unknown) => {
        failure = error;
      });
    return tail;
  };

  return {
    schedule(snapshot) {
      pending = () => snapshot;
      timer ??= setTimeout(() => void writeNow(), Math.max(debounceMs, 4 * lastWriteMs));
    },
    scheduleFrom(take) {
      pending = take;
      timer ??= setTimeout(() => void writeNow(), Math.max(debounceMs, 4 * lastWriteMs));
    },
    async flush() {
      await writeNow();
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        throw error;
      }
    },
  };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
