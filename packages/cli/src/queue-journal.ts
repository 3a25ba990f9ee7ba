import { closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import type { StoredMessage } from "./local/queue-snapshot";

/**
 * The messages a queue was sent since its last snapshot, appended to DATA_DIR/queues/<name>.sent.<n>.jsonl
 * before the send resolves. A snapshot of the whole queue is written only every so often, so without this a
 * message whose send had answered (an upload S3 acknowledged, a job the API accepted) lived in memory alone
 * until the next snapshot, and a kill -9 lost it. A write survives the process's death, not the machine's (no
 * fsync, as the snapshots).
 */
export interface SendJournal<T> {
  /**
   * Writes the message down before returning. Synchronously: a line of a few hundred bytes into the page cache
   * costs microseconds, while an asynchronous write waits for a turn of an event loop the pipeline keeps busy
   * (bench:load answered uploads a third slower that way).
   */
  append(message: Readonly<StoredMessage<T>>): void;
  /**
   * Starts a new file for the sends to come, at the moment a snapshot is taken (every message sent so far is
   * in it), and answers a function that drops the files that snapshot covers, to call once it is written.
   */
  cut(): () => void;
  /** Closes the file being appended to (the next append opens it again). */
  close(): void;
}

/** The journal's files as found on disk, oldest first, and the messages they hold. */
export interface JournalContents<T> {
  generations: number[];
  messages: StoredMessage<T>[];
}

const FILE = /^(.+)\.sent\.(\d+)\.jsonl$/;

/**
 * Reads every journal file of the queue `name` in `dir`, oldest first. A last line without its newline is a
 * write the process died in (its send never resolved) and is left out; any other line that does not parse is
 * an error, as a corrupt snapshot is: dropping it would lose a message.
 */
export async function readJournal<T>(
  dir: string,
  name: string,
  message: z.ZodType<StoredMessage<T>>,
): Promise<JournalContents<T>> {
  const generations = (await readdir(dir).catch(emptyWhenMissing))
    .map((file) => FILE.exec(file))
    .filter((match) => match?.[1] === name)
    .map((match) => Number(match?.[2]))
    .sort((a, b) => a - b);
  const messages: StoredMessage<T>[] = [];
  for (const generation of generations) {
    const file = journalFile(dir, name, generation);
    const lines = (await readFile(file, "utf8")).split("\n");
    // The text after the last newline is "" when the last write finished.
    for (const line of lines.slice(0, -1)) {
      const parsed = message.safeParse(parseJson(line));
      if (!parsed.success) throw new Error(`${file} holds a line that is not a queued message: ${line}`);
      messages.push(parsed.data);
    }
  }
  return { generations, messages };
}

/** Opens the journal of queue `name` for appending after the files already there (`existing`, as read). */
export function openJournal<T>(dir: string, name: string, existing: readonly number[]): SendJournal<T> {
  // Files that may exist: those read at start and those written since, each dropped once a snapshot covers it.
  const files = new Set(existing);
  let generation = Math.max(-1, ...existing) + 1;
  let open: { generation: number; fd: number } | null = null;
  const close = () => {
    if (open !== null) closeSync(open.fd);
    open = null;
  };
  return {
    append(message) {
      if (open === null) {
        mkdirSync(dir, { recursive: true });
        open = { generation, fd: openSync(journalFile(dir, name, generation), "a") };
        files.add(generation);
      }
      writeSync(open.fd, `${JSON.stringify(message)}\n`);
    },
    cut() {
      const covered = generation;
      close();
      generation += 1;
      return () => {
        for (const g of [...files].filter((g) => g <= covered)) {
          files.delete(g);
          try {
            rmSync(journalFile(dir, name, g), { force: true });
          } catch {
            // Left behind: read again at the next start, which skips the messages the snapshot holds.
          }
        }
      };
    },
    close,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function journalFile(dir: string, name: string, generation: number): string {
  return join(dir, `${name}.sent.${generation}.jsonl`);
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

function emptyWhenMissing(error: unknown): string[] {
  if (isMissing(error)) return [];
  throw error;
}
